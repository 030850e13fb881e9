"""ELAN EAF 3.0, one per recording, read back with pympi-ling.

    <recording>.eaf: TIME_ORDER of TIME_SLOTs in integer milliseconds; a TIER per speaker
    (one tier "segments" when nobody is named) of ALIGNABLE_ANNOTATIONs holding the
    transcripts (empty where a segment has none), and beside it a TIER per label,
    "<speaker>: <label>", holding its values (see `formats.tiers`); the audio linked by a
    MEDIA_DESCRIPTOR.

Overlapping segments of one speaker go to a tier "<speaker> (2)", as ELAN tiers may not
overlap. Import takes the recording's name from the media descriptor, else the file name;
label tiers add their values to the segments of their speaker's tier. A dependent tier
(PARENT_REF: a translation, gloss or word tier) is no speaker: its values go to the label
named by its linguistic type, on the segment of its root tier that they fall within.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from audino.formats.annotations import Annotations
from audino.formats.files import InputFile, OutputFile, lines_file
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import AnnotatedRecording, Dataset, FormatError
from audino.formats.registry import Format, register
from audino.formats.tiers import TierReader, tiers

NAME = "eaf"
MIME = {"wav": "audio/x-wav", "mp3": "audio/mpeg", "flac": "audio/flac", "ogg": "audio/ogg"}


def _document(item: AnnotatedRecording, view: Projection) -> Iterator[str]:
    rec = item.recording
    audio = view.audio_name(rec)
    layers = tiers(item, view)
    slots: dict[int, str] = {}
    for _, spans in layers:
        for start, end, _ in spans:
            for t in (start, end):
                slots.setdefault(round(t * 1000), "")
    for k, ms in enumerate(sorted(slots), 1):
        slots[ms] = f"ts{k}"
    count = sum(len(spans) for _, spans in layers)
    suffix = audio.rsplit(".", 1)[-1].lower()
    yield '<?xml version="1.0" encoding="UTF-8"?>'
    yield (
        '<ANNOTATION_DOCUMENT AUTHOR="audino" DATE="2000-01-01T00:00:00+00:00" FORMAT="3.0" '
        'VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">'
    )
    yield '    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">'
    yield (
        f"        <MEDIA_DESCRIPTOR MEDIA_URL={quoteattr('file:///' + quote(audio))} "
        f'MIME_TYPE="{MIME.get(suffix, "audio/x-wav")}" '
        f"RELATIVE_MEDIA_URL={quoteattr('./' + quote(audio))}/>"
    )
    yield f'        <PROPERTY NAME="lastUsedAnnotationId">{count}</PROPERTY>'
    yield "    </HEADER>"
    yield "    <TIME_ORDER>"
    for ms, slot in slots.items():
        yield f'        <TIME_SLOT TIME_SLOT_ID="{slot}" TIME_VALUE="{ms}"/>'
    yield "    </TIME_ORDER>"
    n = 0
    for name, spans in layers:
        yield f'    <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID={quoteattr(name)}>'
        for start, end, text in spans:
            n += 1
            yield (
                f'        <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{n}" '
                f'TIME_SLOT_REF1="{slots[round(start * 1000)]}" '
                f'TIME_SLOT_REF2="{slots[round(end * 1000)]}">'
                f"<ANNOTATION_VALUE>{escape(text)}</ANNOTATION_VALUE>"
                "</ALIGNABLE_ANNOTATION></ANNOTATION>"
            )
        yield "    </TIER>"
    yield (
        '    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" '
        'TIME_ALIGNABLE="true"/>'
    )
    yield "</ANNOTATION_DOCUMENT>"


def export(dataset: Dataset, options: ExportOptions) -> Iterator[OutputFile]:
    view = Projection(dataset, options)
    for item in dataset.items:
        yield lines_file(f"{view.recording_id(item.recording)}.eaf", _document(item, view))


def _read(file: InputFile) -> Any:
    from pympi import Elan

    try:
        ElementTree.fromstring(file.data)
    except ElementTree.ParseError as exc:
        line, column = exc.position
        raise FormatError(
            "not well-formed XML", line=line, column=column + 1, path=file.name
        ) from None
    handle, path = tempfile.mkstemp(suffix=".eaf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(file.data)
        return Elan.Eaf(path, suppress_version_warning=True)
    except Exception as exc:  # pympi raises bare Exception/KeyError on a wrong shape
        raise FormatError(
            f"not an ELAN document ({type(exc).__name__}: {exc})", path=file.name
        ) from None
    finally:
        os.unlink(path)


def _media_name(eaf: Any, fallback: str) -> str:
    for media in eaf.media_descriptors:
        url = media.get("RELATIVE_MEDIA_URL") or media.get("MEDIA_URL") or ""
        name = unquote(url.replace("\\", "/").rsplit("/", 1)[-1])
        if name and (media.get("MIME_TYPE", "").startswith("audio") or "." in name):
            return name
    return fallback


def _root(tier: str, parent: dict[str, Any]) -> str:
    """The independent tier a dependent one hangs from (its speaker)."""
    seen = {tier}
    while parent.get(tier) and parent[tier] not in seen:
        tier = str(parent[tier])
        seen.add(tier)
    return tier


def _speaker(tier: str, attributes: dict[str, Any]) -> str:
    """The name an independent tier stands for: its PARTICIPANT where ELAN users set one
    and named the tier apart from it ("A-txt" of participant "Ann"), else the tier id
    (audino's own tiers are named after their speakers)."""
    participant = str(attributes.get("PARTICIPANT") or "").strip()
    if participant and not tier.startswith(participant):
        return participant
    return tier


def import_(files: list[InputFile]) -> Dataset:
    out = Annotations()
    for file in files:
        if not file.name.lower().endswith(".eaf") and len(files) > 1:
            continue
        eaf = _read(file)
        recording = _media_name(eaf, file.stem)
        out.recording(recording)
        names = [str(tier) for tier in eaf.get_tier_names()]
        parent = {name: eaf.tiers[name][2].get("PARENT_REF") for name in names}
        speaker_of = {name: _speaker(name, eaf.tiers[name][2]) for name in names}
        reader = TierReader(speaker_of[name] for name in names if not parent[name])
        for tier in names:
            try:
                rows = eaf.get_annotation_data_for_tier(tier)
            except KeyError as exc:
                raise FormatError(
                    f"tier {tier!r} refers to a missing annotation or time slot {exc}",
                    path=file.name,
                ) from None
            for row in rows:
                start, end, value = row[0], row[1], row[2]
                if start is None or end is None:
                    continue  # an unaligned slot: ELAN interpolates it, we skip it
                if parent[tier]:  # a dependent tier: values of its speaker's segments
                    label = eaf.tiers[tier][2].get("LINGUISTIC_TYPE_REF") or tier
                    speaker = speaker_of[_root(tier, parent)]
                    reader.add_within(speaker, str(label), start / 1000, end / 1000, str(value))
                else:
                    reader.add(speaker_of[tier], start / 1000, end / 1000, str(value or ""))
        reader.into(out, recording, file.name)
    return out.dataset()


FORMAT = register(
    Format(
        name=NAME,
        description="ELAN annotation document per recording: a tier per speaker and one per "
        "label, times in milliseconds, audio linked (ELAN, pympi-ling).",
        export=export,
        speakers=True,
        import_=import_,
        media_type="application/xml",
        extension=".eaf",
        matches_files=True,
        files=True,
    )
)
