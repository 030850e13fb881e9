"""Agreement between annotators on overlap items, from the database to `audino.quality`.

An item's human segments are grouped by author and compared pair by pair (WER/CER,
Cohen's κ and Krippendorff's α per choice label, boundary F1, DER/JER where a speaker label
exists) and all together (Fleiss' κ, α). A project's figures pool its overlap items.
The figures are shaped here into plain JSON, small enough to show in the review editor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audino.db.models import Datapoint, Segment, SegmentSource
from audino.services.segment_records import categorical_labels, segment_records, value_names

# Projects name their speaker label "speaker" by convention; a project setting may say.
SPEAKER_LABEL = "speaker"
MAX_PROJECT_ITEMS = 20_000


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def _coefficient(c: Any) -> dict[str, Any]:
    return {"value": _round(c.value), "units": c.units, "reason": c.reason}


def _rate(r: Any) -> dict[str, Any]:
    return {
        "a_ref": _round(r.a_ref),
        "b_ref": _round(r.b_ref),
        "mean": _round(r.mean),
        "errors": r.errors,
        "reason": r.reason,
    }


def _boundaries(b: Any) -> dict[str, Any]:
    return {
        "tolerance": b.tolerance,
        "precision": _round(b.precision),
        "recall": _round(b.recall),
        "f1": _round(b.f1),
        "mean_offset": _round(b.mean_offset),
        "reason": b.reason,
    }


def _diarization(d: Any) -> dict[str, Any]:
    return {
        "der": _round(d.der_mean),
        "der_a_ref": _round(d.der_a_ref),
        "der_b_ref": _round(d.der_b_ref),
        "jer": _round(d.jer_mean),
        "reason": d.reason,
    }


def _pair_labels(labels: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": lb.label,
            "kappa": _coefficient(lb.matched.kappa),
            "alpha": _coefficient(lb.matched.alpha),
            "frame_kappa": _coefficient(lb.frames.kappa),
            "frame_alpha": _coefficient(lb.frames.alpha),
        }
        for lb in labels
    ]


def _group_labels(labels: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": lb.label,
            "fleiss_kappa": _coefficient(lb.matched.kappa),
            "alpha": _coefficient(lb.matched.alpha),
            "frame_fleiss_kappa": _coefficient(lb.frames.kappa),
            "frame_alpha": _coefficient(lb.frames.alpha),
        }
        for lb in labels
    ]


def agreement_schema(db: Session, project_id: int) -> tuple[Any, tuple[str, ...]]:
    names, specs = value_names(db, project_id)
    return names, tuple(n for n in categorical_labels(specs) if n != SPEAKER_LABEL)


def agreement_options(labels: tuple[str, ...]) -> Any:
    from audino.quality.items import AgreementOptions  # scipy loads on first use only

    return AgreementOptions(labels=labels, speaker_label=SPEAKER_LABEL)


def item_agreement(db: Session, datapoint: Datapoint) -> dict[str, Any]:
    """Every pair of the item's annotators, and all of them, as shown in the review editor."""
    from audino.quality.agreement import item_agreement as compute
    from audino.quality.items import group_by_author

    names, labels = agreement_schema(db, datapoint.project_id)
    records = segment_records(db, [datapoint.id], names)[datapoint.id]
    item = group_by_author(records, recording_id=datapoint.id, duration=datapoint.duration)
    result = compute(item, agreement_options(labels))
    return {
        "datapoint_id": datapoint.id,
        "annotators": list(result.annotators),
        "reason": result.reason,
        "pairs": [
            {
                "annotator_a": p.annotator_a,
                "annotator_b": p.annotator_b,
                "segments_a": p.segments_a,
                "segments_b": p.segments_b,
                "matched": len(p.matching.pairs),
                "wer": _rate(p.transcripts.matched_wer),
                "cer": _rate(p.transcripts.matched_cer),
                "item_wer": _rate(p.transcripts.item_wer),
                "item_cer": _rate(p.transcripts.item_cer),
                "labels": _pair_labels(p.labels),
                "boundaries": _boundaries(p.boundaries),
                "diarization": _diarization(p.diarization),
            }
            for p in result.pairs
        ],
        "labels": _group_labels(result.labels),
    }


def overlap_items(db: Session, project_id: int) -> Iterator[int]:
    """Items where two or more people drew segments (windows count on their own)."""
    authors = func.count(func.distinct(Segment.author_id))
    rows = db.execute(
        select(Segment.datapoint_id)
        .join(Datapoint, Datapoint.id == Segment.datapoint_id)
        .where(Datapoint.project_id == project_id, Segment.source != SegmentSource.model.value)
        .group_by(Segment.datapoint_id)
        .having(authors >= 2)
        .order_by(Segment.datapoint_id)
        .limit(MAX_PROJECT_ITEMS)
    )
    yield from (dp for (dp,) in rows)


def project_agreement(db: Session, project_id: int) -> dict[str, Any]:
    """The project's overlap items pooled: per annotator pair and per label."""
    from audino.quality.agreement import item_agreement as compute
    from audino.quality.items import group_by_author
    from audino.quality.summary import summarize_pairs, summarize_project

    names, labels = agreement_schema(db, project_id)
    options = agreement_options(labels)
    ids = list(overlap_items(db, project_id))
    durations = dict(
        db.execute(select(Datapoint.id, Datapoint.duration).where(Datapoint.id.in_(ids))).all()
    )
    results = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for dp, records in segment_records(db, chunk, names).items():
            item = group_by_author(records, recording_id=dp, duration=durations.get(dp))
            results.append(compute(item, options))
    project = summarize_project(results)

    def pooled(p: Any) -> dict[str, Any]:
        return {
            "annotator_a": p.annotators[0] if p.annotators else None,
            "annotator_b": p.annotators[1] if p.annotators else None,
            "items": p.items,
            "segments_a": p.segments_a,
            "segments_b": p.segments_b,
            "matched": p.matched,
            "wer": _rate(p.matched_wer),
            "cer": _rate(p.matched_cer),
            "labels": _pair_labels(p.labels),
            "boundaries": _boundaries(p.boundaries),
            "diarization": _diarization(p.diarization),
        }

    return {
        "project_id": project_id,
        "items": project.items,
        "skipped": project.skipped,
        "overall": pooled(project.pairs),
        "pairs": [pooled(p) for p in summarize_pairs(results)],
        "labels": [
            {
                "label": lb.label,
                "items": lb.items,
                "fleiss_kappa": _coefficient(lb.matched.kappa),
                "alpha": _coefficient(lb.matched.alpha),
                "frame_fleiss_kappa": _coefficient(lb.frames.kappa),
                "frame_alpha": _coefficient(lb.frames.alpha),
            }
            for lb in project.labels
        ],
    }
