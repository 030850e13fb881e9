"""A Kaldi data directory, as lhotse's `load_kaldi_data_dir` and Kaldi recipes read it.

    wav.scp   <recording> <audio root>/wav/<recording>.wav   (audio written when the
              export has it)
    segments  <utterance> <recording> <start> <end>
    text      <utterance> <transcript>
    utt2spk, spk2utt, reco2dur, utt2dur
    spk2gender <speaker> m|f   (when genders are known: see below)

Space-separated, sorted as with LC_ALL=C; utterance ids start with the speaker id
(`<speaker>-<recording>-<start cs>-<end cs>`), so sorting by either keeps them together.
Audio is whole recordings as 16 kHz mono WAV unless the options say otherwise.

wav.scp paths are absolute, as Kaldi recipes and lhotse's `load_kaldi_data_dir` expect,
when the export knows where it will live: `audio_root` (the folder a zip will be unpacked
into), which a folder export (`audino export -o DIR`) sets to that folder. Without it they
are relative to the data dir, which then works only from inside it.

spk2gender holds each speaker's first gender that maps to f or m (the `gender_label`
option, else a label named gender or sex, else the gender attribute; female/f/woman and
male/m/man in any case); other values are counted in the export report as left out.
Kaldi's validate_data_dir.sh and lhotse's loader need every speaker in it, so when some
speakers have no f or m the file is left out, and those speakers counted.

`text` holds transcripts only, never label values. When some segments have a transcript,
those without one are left out (and counted in the export report); when none has, every
segment stays with an empty `text` entry (a speaker or diarization data dir, which
lhotse's loader reads as utterances with empty text).
"""

from __future__ import annotations

from collections.abc import Iterator

from audino.formats.annotations import Annotations, number
from audino.formats.clipping import whole_file
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import AudioSpec, ExportOptions
from audino.formats.projection import Projection, ident
from audino.formats.records import Dataset, FormatError
from audino.formats.registry import Format, register
from audino.formats.report import NO_TRANSCRIPT

NAME = "kaldi"
NO_SPK2GENDER = "speakers neither f nor m, so no spk2gender (Kaldi needs every speaker in it)"
AUDIO = AudioSpec(16000, 1, "wav")


def wav_path(options: ExportOptions, relative: str) -> str:
    """The audio's path as wav.scp gives it: under `audio_root` when known."""
    if not options.audio_root:
        return relative
    root = options.audio_root.replace("\\", "/").rstrip("/")
    return f"{root}/{relative}"


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    spec = options.audio(AUDIO)
    tables: dict[str, list[str]] = {
        k: [] for k in ("wav.scp", "segments", "text", "utt2spk", "reco2dur", "utt2dur")
    }
    # Held until the end: whether untranscribed segments stay depends on every segment.
    utts: list[tuple[str, str, str, float, float, str, str | None]] = []
    carried = view.carried()
    for item in dataset.items:
        rec = item.recording
        view.count_recording_values(rec, "a Kaldi data dir")
        reco = view.recording_id(rec)
        audio = f"wav/{reco}.{spec.codec}"
        yield from whole_file(options, spec, rec, audio)
        tables["wav.scp"].append(f"{reco} {wav_path(options, audio)}")
        tables["reco2dur"].append(f"{reco} {rec.duration:.3f}")
        used: set[str] = set()
        for seg in item.segments:
            spk = view.speaker_id(seg, rec)
            utt = f"{spk}-{reco}-{round(seg.start * 100):07d}-{round(seg.end * 100):07d}"
            n = 1
            while utt in used:
                n += 1
                utt = f"{utt.rsplit('~', 1)[0]}~{n}"
            used.add(utt)
            view.count_left_out(seg, carried, "a Kaldi data dir")
            text = " ".join(seg.transcript.split())
            utts.append((utt, reco, spk, seg.start, seg.end, text, view.gender_value(seg, rec)))
    transcribed = any(u[5] for u in utts)
    spk2utt: dict[str, list[str]] = {}
    spk2gender: dict[str, str] = {}
    report = options.counts
    for utt, reco, spk, start, end, text, gender in utts:
        if transcribed and not text:
            report.skip(NO_TRANSCRIPT)
            continue
        found = view.gender_code(gender)
        tables["text"].append(f"{utt} {text}".rstrip())
        tables["segments"].append(f"{utt} {reco} {start:.3f} {end:.3f}")
        tables["utt2spk"].append(f"{utt} {spk}")
        tables["utt2dur"].append(f"{utt} {end - start:.3f}")
        spk2utt.setdefault(spk, []).append(utt)
        if found:
            spk2gender.setdefault(spk, found)
    for name, lines in tables.items():
        lines.sort()
        yield lines_file(name, lines)
    yield lines_file("spk2utt", (f"{s} {' '.join(sorted(u))}" for s, u in sorted(spk2utt.items())))
    if spk2gender:
        unknown = sum(1 for spk in spk2utt if spk not in spk2gender)
        if unknown:  # Kaldi and lhotse need every speaker in it, or no file at all
            report.leave_out(NO_SPK2GENDER, unknown)
        else:
            yield lines_file("spk2gender", (f"{s} {g}" for s, g in sorted(spk2gender.items())))


def _table(file: InputFile | None, columns: int) -> dict[str, tuple[list[str], int]]:
    """key -> (the other fields, line); `columns` fields at least, the last one takes
    the rest of the line."""
    out: dict[str, tuple[list[str], int]] = {}
    if file is None:
        return out
    for k, line in enumerate(file.text().splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split(None, columns - 1)
        if len(fields) < columns:
            if columns == 2 and len(fields) == 1:  # an utterance with empty text
                fields.append("")
            else:
                raise FormatError(f"expected {columns} fields", line=k, path=file.name)
        out[fields[0]] = (fields[1:], k)
    return out


def import_(files: list[InputFile]) -> Dataset:
    by_name = {f.name.replace("\\", "/").rsplit("/", 1)[-1]: f for f in files}
    if "text" not in by_name and "segments" not in by_name:
        raise FormatError("a Kaldi data dir needs a 'segments' or a 'text' file")
    wav = {k: v[0][0] for k, v in _table(by_name.get("wav.scp"), 2).items()}
    segments = _table(by_name.get("segments"), 4)
    text = _table(by_name.get("text"), 2)
    utt2spk = _table(by_name.get("utt2spk"), 2)
    utt2dur = _table(by_name.get("utt2dur"), 2)
    out = Annotations()
    for reco, path in wav.items():
        out.recording(_recording_name(reco, path))
    where = "segments" if segments else "text"
    for utt, (fields, k) in (segments or text).items():
        if segments:
            reco = fields[0]
            start = number(fields[1], "start", line=k, path="segments")
            end = number(fields[2], "end", line=k, path="segments")
        else:
            reco, start = utt, 0.0
            dur = utt2dur.get(utt)
            end = number(dur[0][0], "duration", line=dur[1], path="utt2dur") if dur else 0.0
        spoken = text.get(utt)
        speaker = utt2spk.get(utt)
        out.add(
            _recording_name(reco, wav.get(reco)),
            start,
            end,
            speaker=speaker[0][0] if speaker else None,
            text=spoken[0][0] if spoken else "",
            line=k,
            path=where,
        )
    return out.dataset()


def _recording_name(reco: str, path: str | None) -> str:
    """The audio's file name from wav.scp (a plain path, not a pipe), else the id."""
    if path and not path.rstrip().endswith("|"):
        return path.replace("\\", "/").rsplit("/", 1)[-1]
    return ident(reco)


FORMAT = register(
    Format(
        name=NAME,
        description="Kaldi data directory: wav.scp, segments, text, utt2spk, spk2utt, "
        "durations, genders; 16 kHz WAV (Kaldi, lhotse, ESPnet, k2).",
        export=export,
        speakers=True,
        genders=True,
        audio_root=True,
        import_=import_,
        media_type="text/plain",
        extension="",
        matches_files=True,
        files=True,
        clips=True,
    )
)
