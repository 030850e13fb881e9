"""Training data on this machine: a project's annotations (its JSON export) with its audio,
downloaded once into a cache folder, as a Hugging Face `datasets.Dataset` or a lhotse
`CutSet`. Both libraries are optional and imported only when asked for."""

from __future__ import annotations

import importlib
import re
import urllib.parse
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audino.client.client import Client

_SUFFIXES = {
    "audio/flac": ".flac",
    "audio/x-flac": ".flac",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/opus": ".opus",
    "audio/mp4": ".m4a",
    "audio/webm": ".webm",
}
_FEATURES = {"single": "string", "text": "string", "number": "float64", "boolean": "bool"}


def optional(module: str, install: str, purpose: str) -> Any:
    """An optional library, or an ImportError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(f"{purpose} needs the {module} library: {install}") from e


def cache_folder(cache_dir: str | Path | None, base_url: str) -> Path:
    """Where downloads go: `cache_dir`, or ~/.cache/audino/<server>."""
    if cache_dir is not None:
        return Path(cache_dir)
    server = urllib.parse.urlsplit(base_url).netloc or "server"
    return Path.home() / ".cache" / "audino" / re.sub(r"[^A-Za-z0-9._-]", "_", server)


def recording_audio(client: Client, item: Mapping[str, Any], folder: Path) -> Path:
    """The item's recording audio in the cache, downloaded the first time (a window's is
    its recording's, whose times its segments use)."""
    rid = int(item.get("parent_id") or item["id"])
    stem = f"{rid}-{str(item.get('sha256') or 'audio')[:16]}"
    audio = folder / "audio"
    found = [p for p in audio.glob(f"{stem}.*") if p.suffix not in (".part", ".download")]
    if found:
        return found[0]
    partial = audio / f"{stem}.download"
    kind = client.http.download(f"/api/datapoints/{rid}/audio", partial)
    suffix = (
        _SUFFIXES.get(kind.split(";")[0].strip().lower())
        or Path(str(item.get("name") or "")).suffix.lower()
    )
    return partial.replace(audio / f"{stem}{suffix or '.audio'}")


def _speaker(values: Mapping[str, Any], speaker_label: str) -> str | None:
    found = values.get(speaker_label)
    if isinstance(found, list):
        found = found[0] if found else None
    return None if found is None else str(found)


def _segment_labels(export: Mapping[str, Any]) -> dict[str, str]:
    """Segment-scope label name -> kind."""
    return {
        spec["name"]: spec["kind"]
        for spec in export.get("labels", [])
        if spec.get("scope", "segment") == "segment"
    }


def _labels_of(values: Mapping[str, Any], kinds: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, kind in kinds.items():
        value = values.get(name)
        if kind == "multi":
            out[name] = [str(v) for v in value] if isinstance(value, list) else []
        elif value is None:
            out[name] = None
        elif kind == "number":
            out[name] = float(value)
        elif kind == "boolean":
            out[name] = bool(value)
        else:
            out[name] = str(value)
    return out


def _datapoints(export: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for item in export.get("datapoints", []):
        item["segments"] = sorted(item.get("segments", []), key=lambda s: (s["start"], s["end"]))
        yield item


def dataset(
    client: Client,
    project_id: int,
    folder: Path,
    *,
    by: str,
    speaker_label: str,
    options: Mapping[str, Any],
) -> Any:
    datasets = optional("datasets", "pip install datasets soundfile", "Client.dataset()")
    soundfile = optional("soundfile", "pip install soundfile", "Client.dataset()")
    if by not in ("segment", "recording"):
        raise ValueError("by is 'segment' (a row per segment) or 'recording'.")
    export = client.export(project_id, "audino", **options)
    kinds = _segment_labels(export)
    label_features = {
        name: datasets.Sequence(datasets.Value("string"))
        if kind == "multi"
        else datasets.Value(_FEATURES.get(kind, "string"))
        for name, kind in kinds.items()
    }
    folder = folder / f"project-{project_id}"
    rows: list[dict[str, Any]] = []
    for item in _datapoints(export):
        audio = recording_audio(client, item, folder)
        if by == "recording":
            segs = item["segments"]
            text = item.get("reference_transcript") or " ".join(
                s["transcript"] for s in segs if s.get("transcript")
            )
            rows.append(
                {
                    "audio": _decoded(soundfile, audio),
                    "datapoint_id": item["id"],
                    "name": item.get("name", ""),
                    "duration": float(item.get("duration") or 0.0),
                    "transcript": text,
                    "segments": [
                        {
                            "id": s["id"],
                            "start": float(s["start"]),
                            "end": float(s["end"]),
                            "transcript": s.get("transcript") or "",
                            "speaker": _speaker(s.get("values") or {}, speaker_label),
                        }
                        for s in segs
                    ],
                }
            )
            continue
        with soundfile.SoundFile(str(audio)) as sound:
            for s in item["segments"]:
                clip = _clip(soundfile, sound, s, folder / "clips")
                values = s.get("values") or {}
                row = {
                    "audio": _decoded(soundfile, clip),
                    "id": s["id"],
                    "datapoint_id": item["id"],
                    "name": item.get("name", ""),
                    "start": float(s["start"]),
                    "end": float(s["end"]),
                    "channel": s.get("channel"),
                    "transcript": s.get("transcript") or "",
                    "speaker": _speaker(values, speaker_label),
                    "author": s.get("author"),
                    "source": s.get("source") or "human",
                }
                if kinds:
                    row["labels"] = _labels_of(values, kinds)
                rows.append(row)
    value = datasets.Value
    # Decoded here, in the shape of a decoded `datasets.Audio` column (which would need
    # librosa to decode); `ds.cast_column("audio", datasets.Audio())` makes it one.
    decoded = {
        "array": datasets.Sequence(value("float32")),
        "sampling_rate": value("int32"),
        "path": value("string"),
    }
    if by == "recording":
        features = {
            "audio": decoded,
            "datapoint_id": value("int64"),
            "name": value("string"),
            "duration": value("float64"),
            "transcript": value("string"),
            "segments": [
                {
                    "id": value("string"),
                    "start": value("float64"),
                    "end": value("float64"),
                    "transcript": value("string"),
                    "speaker": value("string"),
                }
            ],
        }
    else:
        features = {
            "audio": decoded,
            "id": value("string"),
            "datapoint_id": value("int64"),
            "name": value("string"),
            "start": value("float64"),
            "end": value("float64"),
            "channel": value("int64"),
            "transcript": value("string"),
            "speaker": value("string"),
            "author": value("string"),
            "source": value("string"),
        }
        if kinds:
            features["labels"] = label_features
    return datasets.Dataset.from_list(rows, features=datasets.Features(features))


def _decoded(soundfile: Any, path: Path) -> dict[str, Any]:
    """The file's samples, mixed down to mono like a decoded `datasets.Audio` value."""
    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    return {"array": data.mean(axis=1), "sampling_rate": int(rate), "path": str(path)}


def _clip(soundfile: Any, sound: Any, segment: Mapping[str, Any], folder: Path) -> Path:
    """The segment's audio as its own FLAC file (its channel only, when it has one),
    written once per segment version."""
    path = folder / f"{segment['id']}-v{segment.get('version', 1)}.flac"
    if path.exists():
        return path
    rate = sound.samplerate
    first = max(0, round(float(segment["start"]) * rate))
    last = min(sound.frames, round(float(segment["end"]) * rate))
    sound.seek(min(first, sound.frames))
    data = sound.read(frames=max(0, last - first), dtype="float32", always_2d=True)
    channel = segment.get("channel")
    if channel is not None and 0 <= channel < data.shape[1]:
        data = data[:, [channel]]
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    soundfile.write(str(partial), data, rate, format="FLAC")
    return partial.replace(path)


def cuts(
    client: Client,
    project_id: int,
    folder: Path,
    *,
    speaker_label: str,
    options: Mapping[str, Any],
) -> Any:
    lhotse = optional("lhotse", "pip install lhotse", "Client.cuts()")
    export = client.export(project_id, "audino", **options)
    folder = folder / f"project-{project_id}"
    recordings: dict[str, Any] = {}
    supervisions = []
    for item in _datapoints(export):
        audio = recording_audio(client, item, folder)
        rid = str(item.get("parent_id") or item["id"])
        if rid not in recordings:
            recordings[rid] = lhotse.Recording.from_file(str(audio), recording_id=rid)
        channels = recordings[rid].channel_ids
        for s in item["segments"]:
            values = s.get("values") or {}
            channel = s.get("channel")
            supervisions.append(
                lhotse.SupervisionSegment(
                    id=s["id"],
                    recording_id=rid,
                    start=float(s["start"]),
                    duration=round(float(s["end"]) - float(s["start"]), 6),
                    channel=channel if channel is not None else (
                        channels[0] if len(channels) == 1 else list(channels)
                    ),
                    text=s.get("transcript") or None,
                    speaker=_speaker(values, speaker_label),
                    custom={
                        "labels": dict(values),
                        "author": s.get("author"),
                        "source": s.get("source") or "human",
                        "datapoint_id": item["id"],
                    },
                )
            )  # fmt: skip
    return lhotse.CutSet.from_manifests(
        recordings=lhotse.RecordingSet.from_recordings(recordings.values()),
        supervisions=lhotse.SupervisionSet.from_segments(supervisions),
    )
