"""Agreement on one overlap item: every pair of annotators, and all of them together.

For each pair (A sorted before B by name): segments matched one-to-one by IoU, WER/CER on
matched segments and on the whole item, Cohen's κ and Krippendorff's α per label on matched
segments and on frames, boundary F1, DER/JER. Among all annotators: Fleiss' κ and α per
label, on groups of segments matched together and on frames. `audino.quality.summary`
pools these over many items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from audino.formats.records import SegmentRecord
from audino.quality.boundaries import BoundaryAgreement, boundary_f1
from audino.quality.diarization import DiarizationAgreement, diarization_agreement
from audino.quality.items import AgreementOptions, OverlapItem, categorical_labels
from audino.quality.labels import (
    FrameGrid,
    LabelGroupAgreement,
    LabelPairAgreement,
    frame_confusion,
    frame_grid,
    frame_group,
    matched_confusion,
    matched_group,
    pair_table,
)
from audino.quality.matching import Matching, match_segments
from audino.quality.text import TranscriptAgreement, transcript_agreement

DEFAULT = AgreementOptions()


@dataclass(frozen=True, slots=True)
class PairAgreement:
    annotator_a: str
    annotator_b: str
    segments_a: int
    segments_b: int
    matching: Matching
    transcripts: TranscriptAgreement
    labels: tuple[LabelPairAgreement, ...]
    boundaries: BoundaryAgreement
    diarization: DiarizationAgreement


@dataclass(frozen=True, slots=True)
class ItemAgreement:
    recording_id: int | None
    annotators: tuple[str, ...]
    extent: float  # seconds the frame-level figures cover
    pairs: tuple[PairAgreement, ...]
    labels: tuple[LabelGroupAgreement, ...]  # among all annotators
    reason: str | None = None  # why there are no figures (fewer than two annotators)


def item_agreement(item: OverlapItem, options: AgreementOptions = DEFAULT) -> ItemAgreement:
    names = item.annotators
    if len(names) < 2:
        reason = "one annotator" if names else "no annotator"
        return ItemAgreement(item.recording_id, names, item.extent, (), (), reason)
    labels = categorical_labels(item, options)
    grid = frame_grid(item, labels, options.frame)
    segs = {name: list(item.annotations[name]) for name in names}
    matchings = {
        (x, y): match_segments(segs[x], segs[y], options.iou_threshold)
        for x, y in combinations(names, 2)
    }
    pairs = tuple(
        _pair(x, segs[x], y, segs[y], matching, labels, grid, item.duration, options)
        for (x, y), matching in matchings.items()
    )
    groups, ambiguous = matched_groups(segs, matchings)
    group_labels = tuple(
        LabelGroupAgreement(
            label,
            matched_group(label, groups, len(names)),
            frame_group(grid, label, names, options.include_silence),
            ambiguous,
        )
        for label in labels
    )
    return ItemAgreement(item.recording_id, names, item.extent, pairs, group_labels)


def pair_agreement(
    a: Sequence[SegmentRecord],
    b: Sequence[SegmentRecord],
    options: AgreementOptions = DEFAULT,
    *,
    names: tuple[str, str] = ("A", "B"),
    duration: float | None = None,
) -> PairAgreement:
    """A against B alone (an annotator against a gold reference, say): A is the reference
    wherever a figure has one."""
    item = OverlapItem(None, {names[0]: a, names[1]: b}, duration)
    labels = categorical_labels(item, options)
    grid = frame_grid(item, labels, options.frame)
    matching = match_segments(a, b, options.iou_threshold)
    return _pair(names[0], a, names[1], b, matching, labels, grid, duration, options)


def _pair(
    x: str,
    a: Sequence[SegmentRecord],
    y: str,
    b: Sequence[SegmentRecord],
    matching: Matching,
    labels: Sequence[str],
    grid: FrameGrid,
    duration: float | None,
    options: AgreementOptions,
) -> PairAgreement:
    return PairAgreement(
        x,
        y,
        len(a),
        len(b),
        matching,
        transcript_agreement(a, b, matching, normalize=options.normalize_text),
        tuple(
            LabelPairAgreement(
                label,
                pair_table(matched_confusion(label, a, b, matching)),
                pair_table(frame_confusion(grid, label, x, y, options.include_silence)),
            )
            for label in labels
        ),
        boundary_f1(a, b, options.boundary_tolerance),
        diarization_agreement(a, b, options.speaker_label, duration),
    )


def matched_groups(
    segments: dict[str, list[SegmentRecord]], matchings: dict[tuple[str, str], Matching]
) -> tuple[list[dict[str, SegmentRecord]], int]:
    """Segments linked by pairwise matches, as groups of one segment per annotator; a group
    holding two segments of one annotator is ambiguous and left out (counted)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(node: tuple[str, int]) -> tuple[str, int]:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for (x, y), matching in matchings.items():
        for i, j, _ in matching.pairs:
            ra, rb = root((x, i)), root((y, j))
            if ra != rb:
                parent[rb] = ra
    members: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for node in parent:
        members.setdefault(root(node), []).append(node)
    for top in list(members):
        members[top].append(top)
    groups: list[dict[str, SegmentRecord]] = []
    ambiguous = 0
    for nodes in members.values():
        group = {name: segments[name][i] for name, i in nodes}
        if len(group) < len(nodes):
            ambiguous += 1
        else:
            groups.append(group)
    return groups, ambiguous
