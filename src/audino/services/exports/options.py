"""Export options from request values: one conversion for the streamed export, the export
job and `audino export`, so an option means the same whichever way it arrives."""

from __future__ import annotations

from typing import Any

from audino.formats.options import ExportOptions, parse_splits
from audino.services.errors import InvalidInput

# The options a request may carry beyond format, status and author.
OPTION_FIELDS = (
    "speaker_label", "gender_label", "splits", "split_by", "sample_rate", "channels",
    "codec", "locale", "audio_root", "one_annotator", "predictions",
)  # fmt: skip


def options_from(values: dict[str, Any]) -> ExportOptions:
    """Export options from request values (`splits` as `train=0.8,dev=0.1,test=0.1`)."""
    try:
        splits = parse_splits(values.get("splits") or None)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="bad_option") from None
    return ExportOptions(
        speaker_label=values.get("speaker_label") or None,
        gender_label=values.get("gender_label") or None,
        splits=splits,
        split_by=values.get("split_by") or "recording",
        sample_rate=values.get("sample_rate"),
        channels=values.get("channels"),
        codec=values.get("codec") or None,
        locale=values.get("locale") or None,
        audio_root=values.get("audio_root") or None,
        one_annotator=bool(values.get("one_annotator")),
        predictions=values.get("predictions") or "exclude",
    )
