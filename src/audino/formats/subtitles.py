"""WebVTT and SRT captions, one file per recording, read back with webvtt-py.

    <recording>.vtt: WEBVTT, then cues `mm:ss.ttt --> mm:ss.ttt` (hh: past an hour) whose
                     text is the transcript, the speaker as a voice span `<v Name>`
    <recording>.srt: numbered cues `HH:MM:SS,mmm --> HH:MM:SS,mmm` with the transcript

A cue's text is the transcript; a segment without one has nothing to caption and is left
out (counted in the export report). Label values have no place in captions.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator

from audino.formats.annotations import Annotations
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, Dataset, FormatError, SegmentRecord
from audino.formats.registry import Format, register
from audino.formats.report import NO_TRANSCRIPT, ExportReport

_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_CUE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(\s.*)?$")


def _clock(seconds: float, sep: str, hours: bool) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    if hours or h:
        return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"
    return f"{m:02d}:{s:02d}{sep}{ms:03d}"


def _text_lines(text: str) -> str:
    # A blank line would end the cue, and "-->" would start one.
    lines = [line.strip() for line in text.replace("-->", "->").splitlines()]
    return "\n".join(line for line in lines if line)


def _cues(
    item: AnnotatedRecording, view: Projection, report: ExportReport, where: str
) -> Iterator[tuple[SegmentRecord, str]]:
    """The segments that have a transcript, with it as cue lines; their label values
    (beyond the speaker in WebVTT) are counted as left out."""
    view.count_recording_values(item.recording, where)
    carried = view.carried(speaker=where == "WebVTT", gender=False)  # SRT has no speakers
    for seg in item.segments:
        text = _text_lines(seg.transcript)
        if text:
            view.count_left_out(seg, carried, where)
            yield seg, text
        else:
            report.skip(NO_TRANSCRIPT)


def _vtt(item: AnnotatedRecording, view: Projection, report: ExportReport) -> Iterator[str]:
    rec = item.recording
    yield "WEBVTT"
    for seg, lines in _cues(item, view, report, "WebVTT"):
        text = html.escape(lines, quote=False)
        speaker = view.speaker(seg, rec)
        if speaker:
            text = f"<v {html.escape(speaker.replace('>', ''), quote=False)}>{text}"
        yield ""
        yield f"{_clock(seg.start, '.', False)} --> {_clock(seg.end, '.', False)}"
        yield text


def _srt(item: AnnotatedRecording, view: Projection, report: ExportReport) -> Iterator[str]:
    for k, (seg, text) in enumerate(_cues(item, view, report, "SRT"), 1):
        if k > 1:
            yield ""
        yield str(k)
        yield f"{_clock(seg.start, ',', True)} --> {_clock(seg.end, ',', True)}"
        yield text


def _exporter(
    suffix: str, body: Callable[[AnnotatedRecording, Projection, ExportReport], Iterator[str]]
) -> Callable[[Dataset, ExportOptions], Iterator[OutputFile]]:
    def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
        view = Projection(dataset, options)
        report = options.counts
        for item in dataset.items:
            name = f"{view.recording_id(item.recording)}{suffix}"
            yield lines_file(name, body(item, view, report))

    return export


def _check_cues(file: InputFile, text: str) -> None:
    """webvtt-py says a file is malformed but not where: find the line ourselves."""
    for k, line in enumerate(text.splitlines(), 1):
        if "-->" in line and not _CUE.match(line):
            raise FormatError(f"bad cue timing {line.strip()[:80]!r}", line=k, path=file.name)


def _importer(kind: str) -> Callable[[list[InputFile]], Dataset]:
    def import_(files: list[InputFile]) -> Dataset:
        import webvtt
        from webvtt.errors import MalformedCaptionError, MalformedFileError

        out = Annotations()
        for file in files:
            text = file.text()
            _check_cues(file, text)
            try:
                captions = webvtt.WebVTT.from_buffer(io.StringIO(text), format=kind)
            except (MalformedFileError, MalformedCaptionError) as exc:
                first = "a WEBVTT header" if kind == "vtt" else "numbered cues"
                raise FormatError(
                    f"not a {kind.upper()} file ({exc or 'needs ' + first})", line=1, path=file.name
                ) from None
            out.recording(file.stem)
            for cue in captions.captions:
                start = cue.start_time.in_milliseconds() / 1000
                end = cue.end_time.in_milliseconds() / 1000
                if kind == "vtt":
                    body = html.unescape(cue.text).replace("\xa0", " ").strip()
                else:
                    body = cue.raw_text.strip()  # SRT text is not HTML
                voice = html.unescape(cue.voice).strip() if kind == "vtt" and cue.voice else None
                out.add(file.stem, start, end, speaker=voice, text=body, path=file.name)
        return out.dataset()

    return import_


WEBVTT = register(
    Format(
        name="webvtt",
        description="WebVTT captions per recording: transcripts as cues, speakers as voice "
        "spans (browsers, YouTube, webvtt-py).",
        export=_exporter(".vtt", _vtt),
        speakers=True,
        import_=_importer("vtt"),
        media_type="text/vtt",
        extension=".vtt",
        matches_files=True,
        files=True,
    )
)
SRT = register(
    Format(
        name="srt",
        description="SubRip subtitles per recording: numbered cues with the transcripts.",
        export=_exporter(".srt", _srt),
        speakers=True,
        import_=_importer("srt"),
        media_type="application/x-subrip",
        extension=".srt",
        matches_files=True,
        files=True,
    )
)
