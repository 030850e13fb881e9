"""WebVTT and SRT captions, one file per recording, read back with webvtt-py.

    <recording>.vtt: WEBVTT, then cues `mm:ss.ttt --> mm:ss.ttt` (hh: past an hour) whose
                     text is the transcript, the speaker as a voice span `<v Name>`
    <recording>.srt: numbered cues `HH:MM:SS,mmm --> HH:MM:SS,mmm` with the transcript

A cue's text is the transcript; a segment without one has nothing to caption and is left
out (counted in the export report). Label values have no place in captions.

Word timings (`attributes["words"]`) go into WebVTT as cue timestamps before each timed
word (`hello <00:00:01.500>world`, karaoke style), and come back from them on import: a
word then ends where the next starts (WebVTT has no word ends), the last at the cue's end.
"""

from __future__ import annotations

import difflib
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
from audino.formats.words import read as read_words
from audino.formats.words import tidy as tidy_words

_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_CUE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(\s.*)?$")
_STAMP = re.compile(r"<((?:\d+:)?\d{2}:\d{2}\.\d{3})>")
_OTHER_TAG = re.compile(r"</?(?!\d)[^>]*>")  # voice, class, italics…: not words


def _clock(seconds: float, sep: str, hours: bool) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    if hours or h:
        return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"
    return f"{m:02d}:{s:02d}{sep}{ms:03d}"


def _key(token: str) -> str:
    """A word as matched against its timing: case and punctuation aside."""
    return "".join(c for c in token.casefold() if c.isalnum())


def _karaoke(seg: SegmentRecord, text: str) -> str | None:
    """The cue text (escaped) with a timestamp before each word that has a time, or None
    when the segment has no word timings. Words are matched to the transcript in order, so a
    word typed since it was timed is written without one."""
    timed = read_words(seg.attributes)
    if not timed or "\n" in text:
        return None
    toks = text.split()
    match = difflib.SequenceMatcher(
        a=[_key(t) for t in toks], b=[_key(w[2]) for w in timed], autojunk=False
    )
    starts = {a + k: timed[b + k][0] for a, b, n in match.get_matching_blocks() for k in range(n)}
    out: list[str] = []
    last = round(seg.start, 3)
    for k, tok in enumerate(toks):
        piece = html.escape(tok, quote=False)
        at = starts.get(k)
        # A timestamp must lie inside its cue and after the one before it.
        if at is not None and last < round(at, 3) < round(seg.end, 3):
            piece = f"<{_clock(at, '.', True)}>{piece}"
            last = round(at, 3)
        out.append(piece)
    return " ".join(out)


def _seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.split(":")]
    return sum(p * 60**k for k, p in enumerate(reversed(parts)))


def _timed_words(raw: str, start: float, end: float) -> list[dict[str, object]]:
    """The words of a cue with timestamps: each run between two stamps shares its span out
    among its words by length (one word a run in the usual karaoke file)."""
    pieces = _STAMP.split(_OTHER_TAG.sub("", raw))
    if len(pieces) < 3:
        return []
    runs = [(start, pieces[0])] + [
        (_seconds(pieces[k]), pieces[k + 1]) for k in range(1, len(pieces) - 1, 2)
    ]
    out: list[dict[str, object]] = []
    for k, (at, text) in enumerate(runs):
        until = runs[k + 1][0] if k + 1 < len(runs) else end
        toks = [t for t in html.unescape(text).replace("\xa0", " ").split() if t]
        sizes = [max(1, len(_key(t))) for t in toks]
        share = (until - at) / max(1, sum(sizes))
        done = 0
        for tok, size in zip(toks, sizes, strict=True):
            out.append({"word": tok, "start": at + share * done, "end": at + share * (done + size)})
            done += size
    return tidy_words(out, start, end)


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
        text = _karaoke(seg, lines) or html.escape(lines, quote=False)
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
                timed = _timed_words(cue.raw_text, start, end) if kind == "vtt" else []
                out.add(
                    file.stem,
                    start,
                    end,
                    speaker=voice,
                    text=body,
                    attributes={"words": timed} if timed else None,
                    path=file.name,
                )
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
