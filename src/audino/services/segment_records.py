"""Segments as the plain records `audino.quality` and `audino.formats` work on: values by
label name and value text, authors by username, model output left out."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from audino.db.models import Label, LabelKind, LabelScope, Segment, SegmentSource, User
from audino.formats.records import LabelSpec, LabelValueSpec, SegmentRecord
from audino.services.labels.mapping import ValueNames

CATEGORICAL = (LabelKind.single.value, LabelKind.multi.value, LabelKind.boolean.value)


def value_names(db: Session, project_id: int) -> tuple[ValueNames, list[LabelSpec]]:
    labels = db.scalars(
        select(Label)
        .where(Label.project_id == project_id)
        .options(selectinload(Label.values))
        .order_by(Label.position, Label.id)
    ).all()
    specs = [
        LabelSpec(
            name=lb.name,
            kind=lb.kind,
            scope=lb.scope,
            values=tuple(LabelValueSpec(v.value, id=v.id) for v in lb.values),
            id=lb.id,
        )
        for lb in labels
    ]
    return ValueNames(specs), specs


def categorical_labels(specs: Sequence[LabelSpec]) -> list[str]:
    """Segment labels whose values are categories (single, multi, boolean)."""
    return [s.name for s in specs if s.kind in CATEGORICAL and s.scope == LabelScope.segment]


def segment_records(
    db: Session, datapoint_ids: list[int], names: ValueNames, *, author_id: int | None = None
) -> dict[int, list[SegmentRecord]]:
    """Each item's human segments (of one author, when given), in time order."""
    # Plain columns, not ORM objects: building full Segment rows (timestamps, identity
    # map) was most of the time agreement on 1,000 items spent reading.
    query = (
        select(
            Segment.id,
            Segment.datapoint_id,
            Segment.start,
            Segment.end,
            Segment.channel,
            Segment.transcript,
            Segment.values,
            Segment.attributes,
            User.username,
        )
        .join(User, User.id == Segment.author_id)
        .where(
            Segment.datapoint_id.in_(datapoint_ids),
            Segment.source != SegmentSource.model.value,
        )
        .order_by(Segment.datapoint_id, Segment.start)
    )
    if author_id is not None:
        query = query.where(Segment.author_id == author_id)
    out: dict[int, list[SegmentRecord]] = {i: [] for i in datapoint_ids}
    decode = names.decode
    for sid, dp, start, end, channel, transcript, values, attributes, username in db.execute(query):
        out[dp].append(
            SegmentRecord(
                id=sid,
                recording_id=dp,
                author=username,
                start=start,
                end=end,
                channel=channel,
                transcript=transcript or "",
                values=decode(values or {}),
                attributes=attributes or {},
            )
        )
    return out
