"""NeMo manifests keep each segment's language (`lang`) both ways (#15 item 10)."""

from __future__ import annotations

import dataclasses

import orjson

from audino.formats import registry
from audino.formats.files import InputFile
from audino.formats.options import ExportOptions
from audino.formats.records import AnnotatedRecording, Dataset
from tests.formats.test_corpus_formats import speech

FMT = registry.get("nemo")


def manifest(dataset: Dataset, **options: object) -> bytes:
    (file,) = FMT.output_files(dataset, ExportOptions(**options))  # type: ignore[arg-type]
    return b"".join(file.chunks)


def test_lang_is_written_and_read_back() -> None:
    base = speech()
    first = next(iter(base.items))
    mixed = first._replace(
        segments=(
            dataclasses.replace(first.segments[0], attributes={"language": "hi"}),
            *first.segments[1:],
        )
    )
    ds = dataclasses.replace(base, items=[mixed, *list(base.items)[1:]])
    data = manifest(ds)
    entries = [orjson.loads(line) for line in data.splitlines()]
    assert entries[0]["lang"] == "hi"  # the segment's own language
    assert entries[1]["lang"] == "en"  # the recording's
    back = FMT.read([InputFile("manifest.json", data)])
    langs = [s.attributes.get("language") for item in back.items for s in item.segments]
    assert langs == [e["lang"] for e in entries]
    items = [
        AnnotatedRecording(dataclasses.replace(b.recording, metadata={}), b.segments)
        for b in back.items
    ]
    again = dataclasses.replace(back, items=items)
    assert [orjson.loads(x)["lang"] for x in manifest(again).splitlines()] == langs
    # The locale option wins over both.
    assert {orjson.loads(x)["lang"] for x in manifest(ds, locale="xx").splitlines()} == {"xx"}
