"""NeMo manifests: JSON lines, one utterance each, as NeMo's ASR and diarization read them.

    manifest.json (or <split>_manifest.json):
      {"audio_filepath": "audio/<recording>.wav", "offset": 0.7, "duration": 2.43,
       "text": "…", "speaker": "A", "lang": "en"}

Segments point into whole recordings (`offset`), written as 16 kHz mono WAV under
`audio/` when the export has audio. Splits go by recording, or by speaker. `lang` is the
`locale` option, else the segment's `language` attribute, else the recording's; on import
it becomes the segment's `language` attribute, so it round-trips.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from audino.formats.annotations import Annotations
from audino.formats.clipping import whole_file
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import Dataset, FormatError
from audino.formats.registry import Format, register

NAME = "nemo"
AUDIO = AudioSpec(16000, 1, "wav")
WHERE = "a NeMo manifest"


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    manifests: dict[str, list[str]] = {}
    for item in dataset.items:
        rec = item.recording
        reco = view.recording_id(rec)
        audio = f"audio/{reco}.{spec.codec}"
        yield from whole_file(options, spec, rec, audio)
        default_lang = options.locale or rec.metadata.get("language") or rec.metadata.get("locale")
        view.count_recording_values(rec, WHERE)
        for seg in item.segments:
            view.count_left_out(seg, view.carried(gender=False), WHERE)
            lang = options.locale or seg.attributes.get("language") or default_lang
            entry: dict[str, Any] = {
                "audio_filepath": audio if options.clips else rec.name,
                "offset": round(seg.start, 3),
                "duration": round(seg.end - seg.start, 3),
                "text": seg.transcript,
            }
            speaker = view.speaker(seg, rec)
            if speaker is not None:
                entry["speaker"] = speaker
            if lang:
                entry["lang"] = lang
            split = view.split_of(rec, seg, "")
            manifests.setdefault(split, []).append(orjson.dumps(entry).decode())
    for split, lines in manifests.items():
        yield lines_file(f"{split}_manifest.json" if split else "manifest.json", lines)


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        if not file.name.endswith((".json", ".jsonl")) and len(files) > 1:
            continue
        for k, line in enumerate(file.text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise FormatError(f"not JSON ({exc.msg})", line=k, path=file.name) from None
            if not isinstance(entry, dict) or "audio_filepath" not in entry:
                raise FormatError("each line needs an audio_filepath", line=k, path=file.name)
            try:
                offset = float(entry.get("offset") or 0.0)
                duration = float(entry.get("duration") or 0.0)
            except (TypeError, ValueError):
                raise FormatError(
                    "offset and duration must be numbers", line=k, path=file.name
                ) from None
            name = str(entry["audio_filepath"]).replace("\\", "/").rsplit("/", 1)[-1]
            speaker, lang = entry.get("speaker"), entry.get("lang")
            out.add(
                name,
                offset,
                offset + duration,
                text=str(entry.get("text") or ""),
                speaker=None if speaker is None else str(speaker),
                attributes={"language": str(lang)} if lang not in (None, "") else None,
                line=k,
                path=file.name,
            )
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="NeMo JSON-lines manifest: audio path, offset, duration, text, "
        "speaker, language; 16 kHz WAV (NVIDIA NeMo).",
        export=export,
        speakers=True,
        splits=True,
        locale=True,
        import_=import_,
        media_type="application/json",
        extension=".json",
        matches_files=True,
        files=True,
        clips=True,
    )
)
