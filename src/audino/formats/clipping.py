"""Audio files in an export: clips cut per segment, or whole recordings transcoded, via
the caller's `ClipSource` (one decoding pass per recording)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from audino.formats.files import OutputFile
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.records import Recording


class _Next:
    """The next clip of a recording's decoding pass, when its file is written."""

    def __init__(self, clips: Iterator[bytes]) -> None:
        self.clips = clips

    def __iter__(self) -> Iterator[bytes]:
        yield next(self.clips)


def clip_files(
    options: ExportOptions,
    spec: AudioSpec,
    recording: Recording,
    spans: Sequence[tuple[float, float, int | None]],
    paths: Sequence[str],
) -> Iterator[OutputFile]:
    """One file per span (none at all when the export carries no audio)."""
    if options.clips is None or not spans:
        return
    clips = options.clips(
        recording, spans, sample_rate=spec.sample_rate, channels=spec.channels, codec=spec.codec
    )
    for path in paths:
        yield OutputFile(path, _Next(clips))


def whole_file(
    options: ExportOptions, spec: AudioSpec, recording: Recording, path: str
) -> Iterator[OutputFile]:
    yield from clip_files(options, spec, recording, [(0.0, recording.duration, None)], [path])
