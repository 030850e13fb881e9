"""The built-in template documents, one per common task (checked like any imported one)."""

from __future__ import annotations

from typing import Any

# A palette that reads on both themes; the same colour means the same role across templates.
RED, ORANGE, YELLOW, GREEN, TEAL = "#e5484d", "#f76b15", "#ffc53d", "#30a46c", "#12a594"
BLUE, INDIGO, PURPLE, PINK, GREY = "#0090ff", "#3e63dd", "#8e4ec6", "#d6409f", "#8b8d98"


def _values(*pairs: tuple[str, str], start: int = 1) -> list[dict[str, Any]]:
    """Values with their colours and the hotkeys 1, 2, 3 … (0 for the tenth)."""
    return [
        {"value": value, "color": color, "hotkey": str((start + i) % 10)}
        for i, (value, color) in enumerate(pairs)
    ]


def _doc(key: str, name: str, summary: str, **rest: Any) -> dict[str, Any]:
    return {
        "audino_template": 1,
        "key": key,
        "name": name,
        "summary": summary,
        "description": rest.pop("description", summary),
        "guidelines": rest.pop("guidelines", ""),
        "labels": rest.pop("labels", []),
        "settings": rest.pop("settings", {}),
        "exports": rest.pop("exports", []),
    }


QUALITY = {
    "name": "audio quality",
    "kind": "single",
    "scope": "datapoint",
    "values": _values(("clean", GREEN), ("noisy", YELLOW), ("unusable", RED), start=7),
}

BUILTINS: list[dict[str, Any]] = [
    _doc(
        "transcription",
        "Transcription",
        "Write down what is said, segment by segment, with tags for non-speech sounds.",
        guidelines=(
            "# Transcription\n\n"
            "- Make a segment for each phrase (at most 30 seconds) and type what is said, "
            "word for word.\n"
            "- Write numbers as words. Do not correct grammar.\n"
            "- Mark sounds with tags: `<laughs>`, `<noise>`, `<cough>`, `<music>`.\n"
            "- Unintelligible words: `<unk>`.\n"
            "- Rate the whole recording's audio quality."
        ),
        labels=[QUALITY],
        settings={
            "validation": {
                "rules": [
                    {"kind": "transcript_required", "severity": "error"},
                    {"kind": "max_length", "seconds": 30, "severity": "warning"},
                    {"kind": "no_overlap", "severity": "warning"},
                    {"kind": "no_double_spaces", "severity": "error"},
                    {
                        "kind": "tags",
                        "allowed": ["laughs", "noise", "cough", "music", "unk"],
                        "severity": "error",
                    },
                ]
            },
        },
        exports=["textgrid", "webvtt", "srt", "commonvoice", "nemo"],
    ),
    _doc(
        "speaker-diarisation",
        "Speaker diarisation",
        "Who speaks when: one segment per speaker turn, overlaps allowed.",
        guidelines=(
            "# Speaker diarisation\n\n"
            "- Make a segment for every speaker turn; where two people talk at once, "
            "make a segment for each.\n"
            "- Give each segment its speaker. Use the same letter for the same person "
            "throughout a recording.\n"
            "- Pauses shorter than half a second stay inside the turn."
        ),
        labels=[
            {
                "name": "speaker",
                "kind": "single",
                "scope": "segment",
                "required": True,
                "values": _values(
                    ("A", BLUE), ("B", ORANGE), ("C", GREEN), ("D", PURPLE), ("other", GREY)
                ),
            }
        ],
        settings={
            "validation": {
                "rules": [
                    {"kind": "required_value", "label": "speaker", "severity": "error"},
                    {"kind": "no_overlap", "label": "speaker", "severity": "error"},
                    {"kind": "min_length", "seconds": 0.2, "severity": "warning"},
                ]
            },
        },
        exports=["rttm", "textgrid", "audacity"],
    ),
    _doc(
        "speaker-identification",
        "Speaker identification",
        "Name the speaker of each recording from a list of known speakers.",
        guidelines=(
            "# Speaker identification\n\n"
            "- Listen to the recording and choose who is speaking.\n"
            "- Choose *unknown* when the voice is none of the listed speakers, and "
            "*several* when more than one speaks.\n"
            "- Managers: replace the example speakers with your own."
        ),
        labels=[
            {
                "name": "speaker",
                "kind": "single",
                "scope": "datapoint",
                "required": True,
                "values": _values(
                    ("speaker 1", BLUE),
                    ("speaker 2", ORANGE),
                    ("speaker 3", GREEN),
                    ("unknown", GREY),
                    ("several", PURPLE),
                ),
            }
        ],
        settings={"quick": {"mode": "choice", "label": "speaker"}},
        exports=["voxceleb", "csv", "audiofolder"],
    ),
    _doc(
        "emotion-recognition",
        "Emotion recognition",
        "The emotion each utterance expresses, with its intensity.",
        guidelines=(
            "# Emotion recognition\n\n"
            "- Mark each utterance and choose the emotion it expresses most.\n"
            "- Judge the voice, not the words.\n"
            "- Choose *neutral* when no emotion stands out."
        ),
        labels=[
            {
                "name": "emotion",
                "kind": "single",
                "scope": "segment",
                "required": True,
                "values": _values(
                    ("neutral", GREY),
                    ("happy", YELLOW),
                    ("sad", BLUE),
                    ("angry", RED),
                    ("fearful", PURPLE),
                    ("surprised", ORANGE),
                    ("disgusted", GREEN),
                ),
            },
            {
                "name": "intensity",
                "kind": "single",
                "scope": "segment",
                "values": [
                    {"value": "low", "color": "#a5d8ff", "hotkey": "q"},
                    {"value": "medium", "color": "#4dabf7", "hotkey": "w"},
                    {"value": "high", "color": "#1864ab", "hotkey": "e"},
                ],
            },
        ],
        settings={
            "validation": {
                "rules": [
                    {"kind": "required_value", "label": "emotion", "severity": "error"},
                    {"kind": "no_overlap", "severity": "warning"},
                ]
            },
        },
        exports=["csv", "audiofolder", "labelstudio"],
    ),
    _doc(
        "voice-activity",
        "Voice activity",
        "Mark where someone speaks (and where music or noise is) in each recording.",
        guidelines=(
            "# Voice activity\n\n"
            "- Make a segment over every stretch of speech; gaps shorter than 0.3 s stay "
            "inside it.\n"
            "- Mark music and loud noise too, when they are not under speech.\n"
            "- Say for the whole recording whether it has any speech at all."
        ),
        labels=[
            {
                "name": "activity",
                "kind": "single",
                "scope": "segment",
                "required": True,
                "values": _values(("speech", GREEN), ("music", PURPLE), ("noise", ORANGE)),
            },
            {
                "name": "has speech",
                "kind": "boolean",
                "scope": "datapoint",
                "color": GREEN,
            },
        ],
        settings={
            "validation": {
                "rules": [
                    {"kind": "required_value", "label": "activity", "severity": "error"},
                    {"kind": "no_overlap", "severity": "error"},
                    {"kind": "min_length", "seconds": 0.1, "severity": "warning"},
                ]
            },
        },
        exports=["rttm", "audacity", "textgrid", "csv"],
    ),
    _doc(
        "speech-scoring",
        "Speech scoring",
        "Rate recordings for quality, fluency and pronunciation (mean opinion scores).",
        guidelines=(
            "# Speech scoring\n\n"
            "- Listen to the whole recording before you score it.\n"
            "- 1 is bad, 5 is excellent. Use the whole scale.\n"
            "- Add a comment when you give a 1 or a 2."
        ),
        labels=[
            {
                "name": "overall",
                "kind": "single",
                "scope": "datapoint",
                "required": True,
                "values": _values(
                    ("1", RED), ("2", ORANGE), ("3", YELLOW), ("4", TEAL), ("5", GREEN)
                ),
            },
            {"name": "fluency", "kind": "number", "scope": "datapoint"},
            {"name": "pronunciation", "kind": "number", "scope": "datapoint"},
            {"name": "comment", "kind": "text", "scope": "datapoint"},
        ],
        exports=["csv", "audino"],
    ),
    _doc(
        "speech-attributes",
        "Speech attributes",
        "Describe each speaker: gender, age, accent, locale and emotion (as in Audino 2025).",
        guidelines=(
            "# Speech attributes\n\n"
            "- Describe the speaker of the recording as you hear them.\n"
            "- Choose *unsure* rather than guessing.\n"
            "- Locale is a language tag such as en-GB or hi-IN."
        ),
        labels=[
            {
                "name": "gender",
                "kind": "single",
                "scope": "datapoint",
                "values": _values(
                    ("female", PINK), ("male", BLUE), ("other", PURPLE), ("unsure", GREY)
                ),
            },
            {
                "name": "age",
                "kind": "single",
                "scope": "datapoint",
                "values": [
                    {"value": "child", "color": YELLOW, "hotkey": "q"},
                    {"value": "teen", "color": ORANGE, "hotkey": "w"},
                    {"value": "adult", "color": GREEN, "hotkey": "e"},
                    {"value": "senior", "color": INDIGO, "hotkey": "r"},
                    {"value": "unsure", "color": GREY, "hotkey": "t"},
                ],
            },
            {"name": "accent", "kind": "text", "scope": "datapoint"},
            {"name": "locale", "kind": "text", "scope": "datapoint"},
            {
                "name": "emotion",
                "kind": "single",
                "scope": "datapoint",
                "values": [
                    {"value": "neutral", "color": GREY, "hotkey": "6"},
                    {"value": "happy", "color": YELLOW, "hotkey": "7"},
                    {"value": "sad", "color": BLUE, "hotkey": "8"},
                    {"value": "angry", "color": RED, "hotkey": "9"},
                ],
            },
        ],
        exports=["commonvoice", "csv", "audiofolder"],
    ),
    _doc(
        "clip-check",
        "Clip check",
        "Accept or reject each clip with one key: is it what it should be?",
        guidelines=(
            "# Clip check\n\n"
            "- Each clip plays by itself. Press **A** to accept it, **X** to reject it, "
            "**Space** when you cannot tell; **Backspace** takes the last answer back.\n"
            "- Accept when the clip is what the project collects (clear speech, the right "
            "word, the right call); reject when it is not.\n"
            "- Managers: write here what makes a clip good for this project."
        ),
        labels=[
            {
                "name": "verdict",
                "kind": "single",
                "scope": "datapoint",
                "required": True,
                "values": _values(("accept", GREEN), ("reject", RED), ("ignore", GREY)),
            }
        ],
        settings={"quick": {"mode": "binary", "label": "verdict"}},
        exports=["csv", "audiofolder"],
    ),
    _doc(
        "keyword-spotting",
        "Keyword spotting",
        "Say which keyword each short clip holds (Speech Commands style).",
        guidelines=(
            "# Keyword spotting\n\n"
            "- Each clip should hold one spoken word. Choose it with its number key.\n"
            "- *unknown*: a word that is not in the list; *silence*: no word at all.\n"
            "- Managers: change the word list to your own keywords."
        ),
        labels=[
            {
                "name": "word",
                "kind": "single",
                "scope": "datapoint",
                "required": True,
                "values": _values(
                    ("yes", GREEN),
                    ("no", RED),
                    ("up", BLUE),
                    ("down", INDIGO),
                    ("left", ORANGE),
                    ("right", YELLOW),
                    ("stop", PINK),
                    ("go", TEAL),
                    ("unknown", GREY),
                    ("silence", "#1c2024"),
                ),
            }
        ],
        settings={"quick": {"mode": "choice", "label": "word"}},
        exports=["audiofolder", "csv", "commonvoice"],
    ),
    _doc(
        "bioacoustic-calls",
        "Bioacoustic calls",
        "Box animal calls on the spectrogram and name the species and call type.",
        guidelines=(
            "# Bioacoustic calls\n\n"
            "- Look at the spectrogram and draw a box around each call, from its start to "
            "its end and from its lowest to its highest frequency.\n"
            "- Choose the species; *unknown* when you cannot tell.\n"
            "- Managers: replace the example species with those of your site."
        ),
        labels=[
            {
                "name": "species",
                "kind": "single",
                "scope": "segment",
                "required": True,
                "values": _values(
                    ("species A", GREEN),
                    ("species B", BLUE),
                    ("species C", ORANGE),
                    ("unknown", GREY),
                ),
            },
            {
                "name": "call type",
                "kind": "single",
                "scope": "segment",
                "values": [
                    {"value": "song", "color": PURPLE, "hotkey": "q"},
                    {"value": "call", "color": TEAL, "hotkey": "w"},
                    {"value": "alarm", "color": RED, "hotkey": "e"},
                ],
            },
        ],
        settings={
            "spectrogram_boxes": True,
            "validation": {
                "rules": [
                    {"kind": "required_value", "label": "species", "severity": "error"},
                    {"kind": "min_length", "seconds": 0.01, "severity": "warning"},
                ]
            },
        },
        exports=["raven", "audacity", "csv"],
    ),
]
