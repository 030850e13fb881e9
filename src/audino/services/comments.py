"""Comments on an item or one of its segments: threaded, resolvable, @-mentioning members.

Whoever may read an item reads its comments and may reply; the author edits or deletes
their own, and reviewers and managers resolve any (so does the annotator the comment is
about). A rejection is a comment of kind "rejection" about the annotator whose work it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audino.db.models import Comment, Datapoint, Membership, Segment, User, utcnow
from audino.services import audit
from audino.services.access import Can, Principal, allowed
from audino.services.errors import InvalidInput, NotFound, PermissionDenied

MAX_BODY = 5000
MAX_PER_ITEM = 2000
# "@name" where name is a username (letters, digits and . _ -), not part of an e-mail address.
_MENTION = re.compile(r"(?<![\w.@])@([\w][\w.\-]{0,149})")


@dataclass
class CommentView:
    row: Comment
    author: str | None
    about: str | None
    resolved_by: str | None
    mentions: list[str]

    def json(self) -> dict[str, Any]:
        r = self.row
        return {
            "id": r.id,
            "datapoint_id": r.datapoint_id,
            "segment_id": r.segment_id,
            "parent_id": r.parent_id,
            "kind": r.kind,
            "body": r.body,
            "author_id": r.author_id,
            "author": self.author,
            "about_user_id": r.about_user_id,
            "about": self.about,
            "mentions": self.mentions,
            "resolved": r.resolved_at is not None,
            "resolved_at": _iso(r.resolved_at),
            "resolved_by": self.resolved_by,
            "created_at": _iso(r.created_at),
            "updated_at": _iso(r.updated_at),
        }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def clean_body(body: object) -> str:
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput("Write something in the comment.", code="empty_comment")
    text = body.strip()
    if len(text) > MAX_BODY:
        raise InvalidInput(
            f"A comment may be at most {MAX_BODY} characters; this one has {len(text)}.",
            code="comment_too_long",
        )
    if "\x00" in text:
        raise InvalidInput("A comment cannot contain NUL characters.", code="bad_comment")
    return text


def _mentions(db: Session, project_id: int, body: str) -> list[int]:
    """The members named as @username in the body (others are plain text)."""
    names = {m.group(1).rstrip(".-") for m in _MENTION.finditer(body)}
    if not names:
        return []
    rows = db.scalars(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project_id, User.username.in_(names))
        .order_by(User.id)
    )
    return list(rows)


def _views(db: Session, rows: Sequence[Comment]) -> list[CommentView]:
    ids: set[int] = set()
    for r in rows:
        ids.update(i for i in (r.author_id, r.about_user_id, r.resolved_by_id) if i is not None)
        ids.update(r.mentions or [])
    names = dict(db.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
    return [
        CommentView(
            r,
            names.get(r.author_id) if r.author_id else None,
            names.get(r.about_user_id) if r.about_user_id else None,
            names.get(r.resolved_by_id) if r.resolved_by_id else None,
            [names[i] for i in r.mentions or [] if i in names],
        )
        for r in rows
    ]


def view(db: Session, row: Comment) -> CommentView:
    return _views(db, [row])[0]


def list_comments(db: Session, datapoint: Datapoint) -> list[CommentView]:
    """The item's comments, oldest first (replies follow by time; `parent_id` threads them)."""
    rows = db.scalars(
        select(Comment)
        .where(Comment.datapoint_id == datapoint.id)
        .order_by(Comment.created_at, Comment.id)
        .limit(MAX_PER_ITEM)
    ).all()
    return _views(db, rows)


def add_comment(
    db: Session,
    datapoint: Datapoint,
    principal: Principal,
    body: object,
    *,
    segment_id: str | None = None,
    parent_id: int | None = None,
    kind: str = "comment",
    about_user_id: int | None = None,
) -> Comment:
    text = clean_body(body)
    author = principal.require_user()
    count = db.scalar(select(func.count()).where(Comment.datapoint_id == datapoint.id)) or 0
    if count >= MAX_PER_ITEM:
        raise InvalidInput(
            f"This item has {MAX_PER_ITEM} comments, the most one item may have.",
            code="too_many_comments",
        )
    if parent_id is not None:
        parent = db.get(Comment, parent_id)
        if parent is None or parent.datapoint_id != datapoint.id:
            raise NotFound(f"Comment {parent_id} does not exist on this item.")
        # Replies go to the thread's first comment, and about the same segment.
        parent_id = parent.parent_id or parent.id
        segment_id = segment_id or parent.segment_id
        about_user_id = about_user_id or parent.about_user_id
    if segment_id is not None:
        found = db.scalar(
            select(Segment.id).where(Segment.id == segment_id, Segment.datapoint_id == datapoint.id)
        )
        if found is None:
            raise NotFound(f"Segment {segment_id} does not exist on this item.")
    row = Comment(
        project_id=datapoint.project_id,
        datapoint_id=datapoint.id,
        segment_id=segment_id,
        parent_id=parent_id,
        author_id=author.id,
        about_user_id=about_user_id,
        kind=kind,
        body=text,
        mentions=_mentions(db, datapoint.project_id, text),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        user_id=author.id,
        action=f"comment.{kind}" if kind != "comment" else "comment.create",
        entity_type="comment",
        entity_id=row.id,
        project_id=datapoint.project_id,
        datapoint_id=datapoint.id,
        after={"body": text, "segment_id": segment_id, "parent_id": parent_id},
    )
    return row


def get_comment(db: Session, comment_id: int) -> Comment:
    row = db.get(Comment, comment_id)
    if row is None:
        raise NotFound(f"Comment {comment_id} does not exist.")
    return row


def update_comment(
    db: Session,
    row: Comment,
    principal: Principal,
    role: str,
    *,
    body: object = None,
    resolved: bool | None = None,
) -> Comment:
    user = principal.require_user()
    before = {"body": row.body, "resolved": row.resolved_at is not None}
    if body is not None:
        if row.author_id != user.id:
            raise PermissionDenied("Only its author may edit a comment.", code="not_your_comment")
        row.body = clean_body(body)
        row.mentions = _mentions(db, row.project_id, row.body)
    if resolved is not None:
        may = allowed(role, Can.review) or user.id in (row.author_id, row.about_user_id)
        if not may:
            raise PermissionDenied(
                "Only reviewers, managers, its author or the annotator it is about may "
                "resolve a comment.",
                code="cannot_resolve",
            )
        if resolved and row.resolved_at is None:
            row.resolved_at, row.resolved_by_id = utcnow(), user.id
        elif not resolved:
            row.resolved_at, row.resolved_by_id = None, None
    db.flush()
    audit.record(
        db,
        user_id=user.id,
        action="comment.update",
        entity_type="comment",
        entity_id=row.id,
        project_id=row.project_id,
        datapoint_id=row.datapoint_id,
        before=before,
        after={"body": row.body, "resolved": row.resolved_at is not None},
    )
    return row


def delete_comment(db: Session, row: Comment, principal: Principal, role: str) -> None:
    user = principal.require_user()
    if row.author_id != user.id and not allowed(role, Can.manage):
        raise PermissionDenied(
            "Only its author or a project manager may delete a comment.", code="not_your_comment"
        )
    audit.record(
        db,
        user_id=user.id,
        action="comment.delete",
        entity_type="comment",
        entity_id=row.id,
        project_id=row.project_id,
        datapoint_id=row.datapoint_id,
        before={"body": row.body, "segment_id": row.segment_id},
    )
    db.delete(row)
    db.flush()


def unresolved_counts(db: Session, datapoint_ids: Sequence[int]) -> dict[int, int]:
    """Open threads per item (replies count with their thread)."""
    if not datapoint_ids:
        return {}
    rows = db.execute(
        select(Comment.datapoint_id, func.count())
        .where(
            Comment.datapoint_id.in_(datapoint_ids),
            Comment.resolved_at.is_(None),
            Comment.parent_id.is_(None),
        )
        .group_by(Comment.datapoint_id)
    )
    return {dp: int(n) for dp, n in rows}
