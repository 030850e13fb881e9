"""Validation rules per project, as pure functions on one annotator's segments of one item.

The project keeps its rules in `settings["validation"]["rules"]`, each a mapping with a
`kind`, its parameters and a `severity` (`error` blocks Complete, `warning` does not):

- `min_length`, `max_length` (`seconds`): segments shorter / longer than that;
- `max_gap` (`seconds`): silences between consecutive segments longer than that;
- `no_overlap` (optional `label`): overlapping segments (with the same value of `label`);
- `min_coverage` (`fraction`): items whose segments cover less of the recording;
- `transcript_required`: segments without a transcript;
- `transcript_pattern` (`pattern`, a regular expression the whole transcript must match);
- `alphabet` (`characters`: the letters allowed besides spaces and tags);
- `no_double_spaces`: two spaces in a row, or a space at either end of a transcript;
- `tags` (`allowed`, e.g. `["laughs", "noise"]`): other `<tag>`s, unbalanced `<` / `>`;
- `allowed_values` (`label`, `values`): segments whose `label` has another value;
- `required_value` (`label`): segments without a value for `label`.

The server checks the rules when work is completed (and answers the editor's live checks);
the editor shows the same findings, from the same function, as it asks the server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from audino.formats.records import SegmentRecord

SEVERITIES = ("error", "warning")
MAX_RULES = 50
MAX_PATTERN = 500
PATTERN_TIMEOUT = 0.05  # seconds per transcript; a pathological pattern fails, not hangs
_TAG = re.compile(r"<([^<>\s]*)>")


class RuleError(ValueError):
    """A rule set that cannot be used; the message says which rule and why."""


@dataclass(frozen=True, slots=True)
class Finding:
    rule: int  # the rule's index in the project's list
    kind: str
    severity: str
    message: str
    segment_id: str | None = None  # None: about the whole item
    start: float | None = None

    def json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "segment_id": self.segment_id,
            "start": self.start,
        }


@dataclass(frozen=True, slots=True)
class Rule:
    index: int
    kind: str
    severity: str
    params: Mapping[str, Any]


def _number(raw: Mapping[str, Any], key: str, where: str, *, upper: float | None = None) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise RuleError(f"{where}: {key} must be a number of 0 or more.")
    if upper is not None and value > upper:
        raise RuleError(f"{where}: {key} must be at most {upper:g}.")
    return float(value)


def _text(raw: Mapping[str, Any], key: str, where: str, *, limit: int = 200) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value or len(value) > limit:
        raise RuleError(f"{where}: {key} must be text of 1 to {limit} characters.")
    return value


def _texts(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"{where}: {key} must be a list of texts.")
    if len(value) > 1000:
        raise RuleError(f"{where}: {key} may list at most 1000 texts.")
    return tuple(value)


_PARAMS = {
    "min_length": {"seconds"},
    "max_length": {"seconds"},
    "max_gap": {"seconds"},
    "no_overlap": {"label"},
    "min_coverage": {"fraction"},
    "transcript_required": set(),
    "transcript_pattern": {"pattern"},
    "alphabet": {"characters"},
    "no_double_spaces": set(),
    "tags": {"allowed"},
    "allowed_values": {"label", "values"},
    "required_value": {"label"},
}
KINDS = tuple(_PARAMS)


def parse_rules(raw: object) -> tuple[Rule, ...]:
    """The project's rules, checked; RuleError names the first bad one in words."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RuleError("validation rules must be a list.")
    if len(raw) > MAX_RULES:
        raise RuleError(f"A project may have at most {MAX_RULES} validation rules.")
    rules: list[Rule] = []
    for i, item in enumerate(raw):
        where = f"validation rule {i + 1}"
        if not isinstance(item, Mapping):
            raise RuleError(f"{where} must be an object with a kind.")
        kind = item.get("kind")
        if kind not in _PARAMS:
            raise RuleError(f"{where}: unknown kind {kind!r}; use one of {', '.join(KINDS)}.")
        severity = item.get("severity", "error")
        if severity not in SEVERITIES:
            raise RuleError(f"{where}: severity is error or warning, not {severity!r}.")
        unknown = set(item) - _PARAMS[kind] - {"kind", "severity"}
        if unknown:
            raise RuleError(f"{where} ({kind}) does not take {', '.join(sorted(unknown))}.")
        params: dict[str, Any] = {}
        if kind in ("min_length", "max_length", "max_gap"):
            params["seconds"] = _number(item, "seconds", where)
        elif kind == "min_coverage":
            params["fraction"] = _number(item, "fraction", where, upper=1.0)
        elif kind == "no_overlap":
            if item.get("label") is not None:
                params["label"] = _text(item, "label", where)
        elif kind == "transcript_pattern":
            pattern = _text(item, "pattern", where, limit=MAX_PATTERN)
            try:
                params["pattern"] = regex.compile(pattern, regex.V1)
            except regex.error as exc:
                raise RuleError(
                    f"{where}: the pattern is not a valid expression ({exc})."
                ) from None
        elif kind == "alphabet":
            params["characters"] = frozenset(_text(item, "characters", where, limit=5000))
        elif kind == "tags":
            params["allowed"] = frozenset(_texts(item, "allowed", where))
        elif kind == "allowed_values":
            params["label"] = _text(item, "label", where)
            params["values"] = frozenset(_texts(item, "values", where))
        elif kind == "required_value":
            params["label"] = _text(item, "label", where)
        rules.append(Rule(i, kind, severity, params))
    return tuple(rules)


def _values(seg: SegmentRecord, label: str) -> list[str]:
    value = seg.values.get(label)
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


def _at(seg: SegmentRecord) -> str:
    return f"{seg.start:.2f} s"


def check(
    rules: Sequence[Rule], segments: Sequence[SegmentRecord], duration: float
) -> list[Finding]:
    """Every finding of every rule, errors first, then in time order."""
    ordered = sorted(segments, key=lambda s: (s.start, s.end))
    out: list[Finding] = []
    for rule in rules:
        out.extend(_check(rule, ordered, duration))
    out.sort(key=lambda f: (f.severity != "error", f.start if f.start is not None else -1, f.rule))
    return out


def _check(rule: Rule, segs: Sequence[SegmentRecord], duration: float) -> list[Finding]:
    kind, p = rule.kind, rule.params

    def found(message: str, seg: SegmentRecord | None = None) -> Finding:
        return Finding(
            rule.index,
            kind,
            rule.severity,
            message,
            seg.id if seg else None,
            seg.start if seg else None,
        )

    out: list[Finding] = []
    if kind == "min_length":
        for s in segs:
            if s.end - s.start < p["seconds"]:
                length = s.end - s.start
                out.append(
                    found(
                        f"The segment at {_at(s)} is {length:.2f} s long; segments are at "
                        f"least {p['seconds']:g} s.",
                        s,
                    )
                )
    elif kind == "max_length":
        for s in segs:
            if s.end - s.start > p["seconds"]:
                length = s.end - s.start
                out.append(
                    found(
                        f"The segment at {_at(s)} is {length:.2f} s long; segments are at "
                        f"most {p['seconds']:g} s.",
                        s,
                    )
                )
    elif kind == "max_gap":
        reach = None
        for s in segs:
            if reach is not None and s.start - reach > p["seconds"]:
                gap = s.start - reach
                out.append(
                    found(
                        f"A gap of {gap:.2f} s before the segment at {_at(s)}; gaps are at "
                        f"most {p['seconds']:g} s.",
                        s,
                    )
                )
            reach = s.end if reach is None else max(reach, s.end)
    elif kind == "no_overlap":
        label = p.get("label")
        groups: dict[tuple[str, ...], list[SegmentRecord]] = {}
        for s in segs:
            key = tuple(_values(s, label)) if label else ()
            if label and not key:
                continue
            groups.setdefault(key, []).append(s)
        for key, group in groups.items():
            last: SegmentRecord | None = None
            for s in group:
                if last is not None and s.start < last.end:
                    same = f" (both {label} {', '.join(key)})" if label else ""
                    out.append(
                        found(f"The segment at {_at(s)} overlaps the one at {_at(last)}{same}.", s)
                    )
                if last is None or s.end > last.end:
                    last = s
    elif kind == "min_coverage":
        covered, reach = 0.0, 0.0
        for s in segs:
            start = max(s.start, reach)
            if s.end > start:
                covered += s.end - start
            reach = max(reach, s.end)
        share = covered / duration if duration > 0 else 1.0
        if share < p["fraction"]:
            out.append(
                found(
                    f"Segments cover {share:.0%} of the recording; at least "
                    f"{p['fraction']:.0%} must be labelled."
                )
            )
    elif kind == "transcript_required":
        out.extend(
            found(f"The segment at {_at(s)} has no transcript.", s)
            for s in segs
            if not s.transcript.strip()
        )
    elif kind == "transcript_pattern":
        for s in segs:
            if not s.transcript:
                continue
            try:
                ok = p["pattern"].fullmatch(s.transcript, timeout=PATTERN_TIMEOUT) is not None
            except TimeoutError:
                ok = False
            if not ok:
                out.append(
                    found(f"The transcript at {_at(s)} does not follow the project's pattern.", s)
                )
    elif kind == "alphabet":
        allowed = p["characters"]
        for s in segs:
            text = _TAG.sub(" ", s.transcript)
            odd = sorted({c for c in text if not c.isspace() and c not in allowed})
            if odd:
                shown = " ".join(odd[:10]) + (" …" if len(odd) > 10 else "")
                out.append(
                    found(f"The transcript at {_at(s)} uses characters not allowed: {shown}", s)
                )
    elif kind == "no_double_spaces":
        for s in segs:
            t = s.transcript
            if "  " in t or t != t.strip():
                out.append(
                    found(f"The transcript at {_at(s)} has a double space or a space at an end.", s)
                )
    elif kind == "tags":
        for s in segs:
            t = s.transcript
            tags = _TAG.findall(t)
            bad = sorted({tag for tag in tags if tag not in p["allowed"]})
            stray = _TAG.sub("", t)
            if bad:
                names = ", ".join(f"<{b}>" for b in bad)
                out.append(
                    found(f"The transcript at {_at(s)} uses tags not in the list: {names}", s)
                )
            if "<" in stray or ">" in stray:
                out.append(found(f"The transcript at {_at(s)} has an unclosed tag.", s))
    elif kind == "allowed_values":
        for s in segs:
            odd = [v for v in _values(s, p["label"]) if v not in p["values"]]
            if odd:
                out.append(
                    found(
                        f"The segment at {_at(s)} has {p['label']} {', '.join(odd)}, which "
                        "this project does not allow.",
                        s,
                    )
                )
    elif kind == "required_value":
        for s in segs:
            if not _values(s, p["label"]):
                out.append(found(f"The segment at {_at(s)} has no {p['label']}.", s))
    return out


def blocking(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]
