"""Splits by a stable key (the audio, or the speaker), hitting the ratios exactly by largest
remainder over the keys in sha256 order: the same audio lands in the same split whatever
project or instance exports it."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from audino.formats import registry
from audino.formats.files import write_tree
from audino.formats.options import ExportOptions, parse_splits
from audino.formats.records import AnnotatedRecording, Dataset
from audino.formats.splits import SplitPlan, recording_key, shares
from tests.formats.test_corpus_formats import MANIFEST, local_clips, speech

SIXTY_TWENTY_TWENTY = parse_splits("train=0.6,dev=0.2,test=0.2")


def test_largest_remainder_shares() -> None:
    # 8 x (0.6, 0.2, 0.2) = 4.8, 1.6, 1.6: floors 4, 1, 1; the two left go to the largest
    # remainders, .8 (train) and then the first of the tied .6 (dev).
    assert shares(8, (0.6, 0.2, 0.2)) == [5, 2, 1]
    assert shares(3, (0.8, 0.1, 0.1)) == [3, 0, 0]
    assert shares(10, (1, 1, 1)) == [4, 3, 3]
    assert shares(10, (0.7, 0.3)) == [7, 3]  # decimal ratios are exact: no 6/4 from 0.7*10
    assert shares(0, (0.5, 0.5)) == [0, 0]
    assert shares(5, (0, 1)) == [0, 5]


@given(
    st.integers(min_value=0, max_value=500),
    st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=6).filter(any),
)
def test_shares_add_up_and_stay_within_one_of_the_quota(total: int, weights: list[int]) -> None:
    counts = shares(total, weights)
    assert sum(counts) == total
    for count, weight in zip(counts, weights, strict=True):
        assert abs(count - total * weight / sum(weights)) < 1


def with_audio(dataset: Dataset, rename: str = "", reverse: bool = False) -> Dataset:
    """The speech fixtures with each recording's audio hash, optionally under other names,
    ids and order (as another project holding the same audio would have them)."""
    items = []
    for item in dataset.items:
        sha = hashlib.sha256(Path(item.recording.name).name.encode()).hexdigest()
        rec = dataclasses.replace(
            item.recording,
            id=(item.recording.id or 0) + (100 if rename else 0),
            name=f"{rename}{item.recording.name}",
            sha256=sha,
        )
        items.append(AnnotatedRecording(rec, item.segments))
    return dataclasses.replace(dataset, items=items[::-1] if reverse else items)


def nemo_splits(dataset: Dataset, root: Path, **options: object) -> dict[str, set[str]]:
    """Which recordings (by audio hash) each NeMo manifest holds."""
    fmt = registry.get("nemo")
    write_tree(fmt.output_files(dataset, ExportOptions(**options)), root)  # type: ignore[arg-type]
    by_name = {item.recording.name: item.recording.sha256 for item in dataset.items}
    out: dict[str, set[str]] = {}
    for manifest in root.glob("*_manifest.json"):
        for line in manifest.read_bytes().splitlines():
            name = orjson.loads(line)["audio_filepath"]
            out.setdefault(manifest.name.split("_")[0], set()).add(str(by_name[name]))
    return out


def test_eight_recordings_split_five_two_one(tmp_path: Path) -> None:
    assert len(MANIFEST) == 8
    found = nemo_splits(with_audio(speech()), tmp_path, splits=SIXTY_TWENTY_TWENTY)
    assert {name: len(recs) for name, recs in found.items()} == {"train": 5, "dev": 2, "test": 1}


def test_the_same_audio_lands_in_the_same_split_in_another_project(tmp_path: Path) -> None:
    one = nemo_splits(with_audio(speech()), tmp_path / "a", splits=SIXTY_TWENTY_TWENTY)
    other = with_audio(speech(), rename="copy of ", reverse=True)
    two = nemo_splits(other, tmp_path / "b", splits=SIXTY_TWENTY_TWENTY)
    assert one == two


def test_the_split_follows_the_sha256_order_of_the_keys() -> None:
    keys = [recording_key(f"{n:064x}", "") for n in range(8)]
    plan = SplitPlan.from_keys(keys, SIXTY_TWENTY_TWENTY)
    ordered = sorted(keys, key=lambda k: hashlib.sha256(k.encode()).digest())
    assert [plan.split(k) for k in ordered] == ["train"] * 5 + ["dev"] * 2 + ["test"]
    assert plan.sizes == (5, 2, 1)
    # A key counted twice (the same audio uploaded twice) is one key, in one split.
    again = SplitPlan.from_keys([*keys, keys[0]], SIXTY_TWENTY_TWENTY)
    assert again == plan


def test_empty_splits_take_no_keys() -> None:
    keys = [f"speaker:{n}" for n in range(3)]
    plan = SplitPlan.from_keys(keys, parse_splits("train=0.8,dev=0.1,test=0.1"))
    assert plan.sizes == (3, 0, 0) and {plan.split(k) for k in keys} == {"train"}
    plan = SplitPlan.from_keys(keys, parse_splits("train=0,dev=1,test=0"))
    assert {plan.split(k) for k in keys} == {"dev"}
    plan = SplitPlan.from_keys(keys, parse_splits("a=1,b=0,c=1"))
    assert sorted(plan.split(k) for k in keys) == ["a", "a", "c"]


def test_speakers_split_by_ratio_and_never_span_splits(tmp_path: Path) -> None:
    root = tmp_path / "ls"
    options = ExportOptions(
        clips=local_clips, splits=parse_splits("train=0.5,test=0.5"), split_by="speaker"
    )
    write_tree(registry.get("librispeech").output_files(with_audio(speech()), options), root)
    speakers = {
        subset.name: {p.name for p in subset.iterdir() if p.is_dir()}
        for subset in root.iterdir()
        if subset.is_dir()
    }
    assert {k: len(v) for k, v in speakers.items()} == {"train-clean-100": 4, "test-clean": 4}
    assert not speakers["train-clean-100"] & speakers["test-clean"]


@pytest.mark.parametrize("bad", ["train=inf", "train=nan,test=1", "train=1e999"])
def test_ratios_are_finite(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_splits(bad)


def test_a_streamed_export_needs_its_plan() -> None:
    dataset = dataclasses.replace(speech(), items=iter(speech().items))
    files = registry.get("nemo").output_files(dataset, ExportOptions(splits=SIXTY_TWENTY_TWENTY))
    with pytest.raises(ValueError, match="SplitPlan"):
        next(iter(files))
