"""Audio files in an export: clips cut per segment, or whole recordings transcoded, via
the caller's `ClipSource` (one decoding pass per recording)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from audino.formats.files import OutputFile
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.records import Recording


class _Next:
    """The next clip of a recording's decoding pass, when its file is written."""

    def __init__(self, clips: Iterator[bytes], first: bytes | None = None) -> None:
        self.clips = clips
        self.first = first

    def __iter__(self) -> Iterator[bytes]:
        if self.first is not None:
            first, self.first = self.first, None
            yield first
        else:
            yield next(self.clips)


def clip_files(
    options: ExportOptions,
    spec: AudioSpec,
    recording: Recording,
    spans: Sequence[tuple[float, float, int | None]],
    paths: Sequence[str],
) -> Iterator[OutputFile]:
    """One file per span (none at all when the export carries no audio, or when this
    recording's audio cannot be read: the annotations still go out)."""
    if options.clips is None or not spans:
        return
    clips = options.clips(
        recording, spans, sample_rate=spec.sample_rate, channels=spec.channels, codec=spec.codec
    )
    try:
        first = next(clips)  # before any file is started: a missing file skips cleanly
    except Exception:  # missing or undecodable audio, whatever raised it
        return
    for k, path in enumerate(paths):
        yield OutputFile(path, _Next(clips, first if k == 0 else None))


def whole_file(
    options: ExportOptions, spec: AudioSpec, recording: Recording, path: str
) -> Iterator[OutputFile]:
    yield from clip_files(options, spec, recording, [(0.0, recording.duration, None)], [path])
