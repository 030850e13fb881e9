"""Auto-annotators: models that pre-annotate recordings, registered by name.

    from audino.models import AudioInput, check_settings, registry

    annotator = registry.get("vad-webrtc")
    settings = check_settings(annotator, {"min_silence": 0.5})
    predictions = annotator.predict(AudioInput.from_file("talk.flac"), settings)

Importing this package loads no model library; see registry for how plugins register.
"""

from audino.models import registry
from audino.models.annotator import AutoAnnotator, Prediction, Word
from audino.models.audio_input import AudioInput
from audino.models.settings import Setting, SettingKind, check_settings

__all__ = [
    "AudioInput",
    "AutoAnnotator",
    "Prediction",
    "Setting",
    "SettingKind",
    "Word",
    "check_settings",
    "registry",
]
