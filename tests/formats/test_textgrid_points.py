"""TextGrid point tiers (instants) and files cut short (#15 item 10): points are read as
instants and written back as points, praatio reading them; a truncated file is refused
with the tier it stops in, instead of importing what was left."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from audino.formats import registry
from audino.formats.files import InputFile
from audino.formats.options import ExportOptions
from audino.formats.records import AnnotatedRecording, FormatError, SegmentRecord
from tests.formats.test_text_formats import dataset

FMT = registry.get("textgrid")


def with_instants() -> AnnotatedRecording:
    item = next(iter(dataset().items))
    instants = tuple(
        SegmentRecord(f"p{k}", 1, "alice", t, t, transcript=mark, values={"speaker": "Bo"})
        for k, (t, mark) in enumerate(((0.25, "click"), (7.5, "beep")))
    )
    return AnnotatedRecording(item.recording, (*item.segments, *instants))


def grid_bytes(item: AnnotatedRecording) -> bytes:
    ds = dataclasses.replace(dataset(), items=[item])
    (grid,) = FMT.output_files(ds, ExportOptions())
    return b"".join(grid.chunks)


def test_praatio_reads_instants_as_a_point_tier(tmp_path: Path) -> None:
    from praatio import textgrid

    path = tmp_path / "call.TextGrid"
    path.write_bytes(grid_bytes(with_instants()))
    tg = textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    assert tg.tierNames == ("Ann Lee", "Ann Lee: kind", "Bo", "Bo (2)", "Bo: kind")
    points = [t for t in tg.tiers if isinstance(t, textgrid.PointTier)]
    assert [(p.time, p.label) for p in points[0].entries] == [(0.25, "click"), (7.5, "beep")]
    assert tg.getTier("Bo: kind").entries[0].label == "wind"


def test_point_tiers_import_as_instants_and_round_trip() -> None:
    data = grid_bytes(with_instants())
    (back,) = FMT.read([InputFile("call.TextGrid", data)]).items
    instants = sorted((s.start, s.transcript) for s in back.segments if s.start == s.end)
    assert instants == [(0.25, "click"), (7.5, "beep")]
    assert len(back.segments) == len(with_instants().segments)
    assert grid_bytes(with_instants()._replace(segments=back.segments)) == data


def test_a_praat_point_tier_is_read(tmp_path: Path) -> None:
    from praatio import textgrid
    from praatio.data_classes.interval_tier import IntervalTier
    from praatio.data_classes.point_tier import PointTier

    tg = textgrid.Textgrid()
    tg.addTier(IntervalTier("spk", [(0.5, 1.0, "hello")], 0, 3))
    tg.addTier(PointTier("events", [(0.7, "click"), (2.5, "beep")], 0, 3))
    for form in ("long_textgrid", "short_textgrid"):
        path = tmp_path / f"{form}.TextGrid"
        tg.save(str(path), format=form, includeBlankSpaces=True)
        (item,) = FMT.read([InputFile("a.TextGrid", path.read_bytes())]).items
        found = sorted((s.start, s.end, s.transcript) for s in item.segments)
        assert found == [(0.5, 1.0, "hello"), (0.7, 0.7, "click"), (2.5, 2.5, "beep")]


@pytest.mark.parametrize("form", ["long_textgrid", "short_textgrid"])
def test_a_truncated_textgrid_is_refused(tmp_path: Path, form: str) -> None:
    from praatio import textgrid

    path = tmp_path / "full.TextGrid"
    grid = textgrid.openTextgrid(str(_written(tmp_path)), includeEmptyIntervals=True)
    grid.save(str(path), format=form, includeBlankSpaces=True)
    lines = path.read_bytes().split(b"\n")
    FMT.read([InputFile("a.TextGrid", path.read_bytes())])  # whole, it reads
    refused = 0
    for n in range(1, len(lines) - 1):  # every cut before the last line
        cut = b"\n".join(lines[:n]) + b"\n"
        with pytest.raises(FormatError) as err:
            FMT.read([InputFile("a.TextGrid", cut)])
        refused += 1
        if "ends early" in str(err.value):
            assert "truncated" in str(err.value)
    assert refused == len(lines) - 2


def _written(tmp_path: Path) -> Path:
    path = tmp_path / "ours.TextGrid"
    path.write_bytes(grid_bytes(with_instants()))
    return path
