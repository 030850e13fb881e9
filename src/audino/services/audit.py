"""Audit trail: who changed what, when, with before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from audino.db.models import AuditEvent


def record(
    db: Session,
    *,
    user_id: int | None,
    action: str,
    entity_type: str,
    entity_id: object,
    project_id: int | None = None,
    datapoint_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    db.add(
        AuditEvent(
            user_id=user_id,
            project_id=project_id,
            datapoint_id=datapoint_id,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=before,
            after=after,
        )
    )
