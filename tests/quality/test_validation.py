"""Validation rules on one annotator's segments: each kind finds what it says, in words."""

from __future__ import annotations

from typing import Any

import pytest

from audino.formats.records import SegmentRecord
from audino.quality.validation import RuleError, blocking, check, parse_rules


def seg(start: float, end: float, text: str = "", **values: Any) -> SegmentRecord:
    return SegmentRecord(f"s{start}", 1, "ann", start, end, transcript=text, values=values)


def kinds(
    rules: list[dict[str, Any]], segs: list[SegmentRecord], duration: float = 10.0
) -> list[str]:
    return [f.kind for f in check(parse_rules(rules), segs, duration)]


def test_lengths_gaps_overlaps_and_coverage() -> None:
    segs = [seg(0, 0.1, "a"), seg(0.05, 2, "b"), seg(6, 7, "c")]
    rules = [
        {"kind": "min_length", "seconds": 0.2},
        {"kind": "max_length", "seconds": 1.5},
        {"kind": "max_gap", "seconds": 3},
        {"kind": "no_overlap"},
        {"kind": "min_coverage", "fraction": 0.5, "severity": "warning"},
    ]
    findings = check(parse_rules(rules), segs, 10.0)
    got = [(f.kind, f.segment_id, f.severity) for f in findings]
    assert ("min_length", "s0", "error") in got
    assert ("max_length", "s0.05", "error") in got
    assert ("max_gap", "s6", "error") in got  # 4 s of silence after 2 s
    assert ("no_overlap", "s0.05", "error") in got
    assert ("min_coverage", None, "warning") in got  # 3 s of 10
    assert [f.severity for f in findings][-1] == "warning"  # errors first
    coverage = next(f for f in findings if f.kind == "min_coverage")
    assert coverage.message == "Segments cover 30% of the recording; at least 50% must be labelled."
    assert len(blocking(findings)) == len(findings) - 1


def test_overlap_per_label_value() -> None:
    segs = [seg(0, 2, speaker="A"), seg(1, 3, speaker="B"), seg(2.5, 4, speaker="B")]
    found = check(parse_rules([{"kind": "no_overlap", "label": "speaker"}]), segs, 10)
    assert [(f.segment_id, f.message) for f in found] == [
        ("s2.5", "The segment at 2.50 s overlaps the one at 1.00 s (both speaker B).")
    ]


def test_transcript_rules() -> None:
    rules = [
        {"kind": "transcript_required"},
        {"kind": "no_double_spaces", "severity": "warning"},
        {"kind": "tags", "allowed": ["laughs", "noise"]},
        {"kind": "alphabet", "characters": "abcdefghijklmnopqrstuvwxyz'"},
        {"kind": "transcript_pattern", "pattern": r"[^0-9]*"},
    ]
    segs = [
        seg(0, 1, ""),
        seg(1, 2, "hello  there"),
        seg(2, 3, "ok <laughs> <cough>"),
        seg(3, 4, "naïve"),
        seg(4, 5, "room 101"),
        seg(5, 6, "open <tag"),
    ]
    found = [(f.kind, f.segment_id) for f in check(parse_rules(rules), segs, 10)]
    assert ("transcript_required", "s0") in found
    assert ("no_double_spaces", "s1") in found
    assert ("tags", "s2") in found and ("alphabet", "s2") not in found  # tags are not letters
    assert ("alphabet", "s3") in found  # ï is not in the alphabet
    assert ("transcript_pattern", "s4") in found and ("alphabet", "s4") in found
    assert ("tags", "s5") in found  # unclosed
    messages = {f.kind: f.message for f in check(parse_rules(rules), segs[2:4], 10)}
    assert messages["tags"] == "The transcript at 2.00 s uses tags not in the list: <cough>"
    assert messages["alphabet"] == "The transcript at 3.00 s uses characters not allowed: ï"


def test_label_value_rules() -> None:
    rules = [
        {"kind": "allowed_values", "label": "emotion", "values": ["calm", "happy"]},
        {"kind": "required_value", "label": "speaker"},
    ]
    segs = [seg(0, 1, emotion="angry", speaker="A"), seg(1, 2, emotion=["calm"])]
    assert kinds(rules, segs) == ["allowed_values", "required_value"]


def test_a_clean_item_has_no_findings() -> None:
    rules = [{"kind": "min_length", "seconds": 0.2}, {"kind": "no_overlap"}]
    assert kinds(rules, [seg(0, 1, "a"), seg(1, 2, "b")]) == []


@pytest.mark.parametrize(
    ("rules", "says"),
    [
        ({"kind": "min_length"}, "rule 1: seconds must be a number"),
        ([{"kind": "shortest"}], "unknown kind 'shortest'"),
        (
            [{"kind": "min_length", "seconds": 1, "severity": "fatal"}],
            "severity is error or warning",
        ),
        ([{"kind": "min_length", "seconds": -1}], "seconds must be a number of 0 or more"),
        ([{"kind": "min_coverage", "fraction": 2}], "fraction must be at most 1"),
        ([{"kind": "transcript_pattern", "pattern": "(["}], "not a valid expression"),
        ([{"kind": "tags", "allowed": "laughs"}], "allowed must be a list of texts"),
        ([{"kind": "min_length", "seconds": 1, "minutes": 2}], "does not take minutes"),
        ([1], "must be an object"),
    ],
)
def test_bad_rules_are_named(rules: Any, says: str) -> None:
    with pytest.raises(RuleError, match=says.replace("(", r"\(").replace("[", r"\[")):
        parse_rules(
            rules if isinstance(rules, list) else [rules] if isinstance(rules, dict) else rules
        )
