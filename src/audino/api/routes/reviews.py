"""Review: the queue of submitted work, accept / reject with a comment, comments, history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status
from pydantic import BaseModel, Field

from audino.api.deps import (
    DatapointAnnotator,
    DatapointReader,
    DatapointReviewer,
    DbDep,
    PrincipalDep,
    ProjectReviewer,
)
from audino.api.routes.segments import AssignmentPublic, BatchOut, Fast, assignment_response
from audino.db.models import Comment, Datapoint
from audino.services import comments, history, review
from audino.services.access import Can, Principal, check_datapoint
from audino.services.datapoints import resolve_user_ref
from audino.services.errors import NotFound
from audino.services.review_queue import FILTERS, MAX_LIMIT, review_queue

router = APIRouter(tags=["review"])

MAX_ID = 2**31 - 1


class QueueItemOut(BaseModel):
    datapoint_id: int
    name: str
    duration: float | None
    user_id: int
    username: str | None
    state: review.WorkState
    marked_for_review: bool
    submitted_at: str | None
    reviewed_at: str | None
    unresolved_comments: int


class QueuePageOut(BaseModel):
    items: list[QueueItemOut]
    next_cursor: str | None
    # Work waiting for a verdict (with the same annotator filter), whatever `show` is.
    waiting: int


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


@router.get("/api/projects/{project_id}/review-queue", response_model=QueuePageOut)
def get_review_queue(
    access: ProjectReviewer,
    db: DbDep,
    show: Annotated[Literal["waiting", "accepted", "rejected", "all"], Query()] = "waiting",
    annotator: Annotated[str | None, Query(max_length=150)] = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> QueuePageOut:
    """Each user's submitted or marked work, oldest first; `annotator` (a username or id)
    narrows it to one person. Your own work is not in your queue."""
    assert show in FILTERS
    annotator_id = None
    if annotator is not None:
        annotator_id = resolve_user_ref(db, annotator)
        if annotator_id is None:
            return QueuePageOut(items=[], next_cursor=None, waiting=0)
    me = access.principal.user.id if access.principal.user else None
    page = review_queue(
        db,
        access.project.id,
        show=show,
        annotator_id=annotator_id,
        exclude_user_id=me,
        limit=limit,
        cursor=cursor,
    )
    return QueuePageOut(
        items=[
            QueueItemOut(
                datapoint_id=item.datapoint.id,
                name=item.datapoint.original_name,
                duration=item.datapoint.duration,
                user_id=item.assignment.user_id,
                username=item.assignment.user.username if item.assignment.user else None,
                state=review.work_state(item.assignment.status, item.assignment.review_status),
                marked_for_review=item.assignment.marked_for_review,
                submitted_at=_iso(item.assignment.completed_at),
                reviewed_at=_iso(item.assignment.reviewed_at),
                unresolved_comments=item.unresolved_comments,
            )
            for item in page.items
        ],
        next_cursor=page.next_cursor,
        waiting=page.waiting,
    )


class AcceptIn(BaseModel):
    user_id: int = Field(ge=1, le=MAX_ID, description="Whose work to accept.")
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class RejectIn(AcceptIn):
    comment: str = Field(
        min_length=1, max_length=comments.MAX_BODY, description="What to fix, for the annotator."
    )


class CommentOut(BaseModel):
    id: int
    datapoint_id: int
    segment_id: str | None
    parent_id: int | None
    kind: Literal["comment", "rejection"]
    body: str
    author_id: int | None
    author: str | None
    about_user_id: int | None
    about: str | None
    mentions: list[str]
    resolved: bool
    resolved_at: str | None
    resolved_by: str | None
    created_at: str | None
    updated_at: str | None


class RejectOut(BaseModel):
    assignment: AssignmentPublic
    comment: CommentOut


@router.post("/api/datapoints/{datapoint_id}/accept", response_model=AssignmentPublic)
def accept(body: AcceptIn, access: DatapointReviewer, db: DbDep) -> Fast:
    """Accepts a user's submitted (or marked) work; reviewers and managers only."""
    row = review.accept(
        db,
        access.datapoint,
        access.principal,
        access.role,
        user_id=body.user_id,
        version=body.version,
    )
    return assignment_response(row, access.datapoint)


@router.post("/api/datapoints/{datapoint_id}/reject", response_model=RejectOut)
def reject(body: RejectIn, access: DatapointReviewer, db: DbDep) -> RejectOut:
    """Sends a user's work back to them with a comment; it returns to their queue."""
    row, note = review.reject(
        db,
        access.datapoint,
        access.principal,
        access.role,
        user_id=body.user_id,
        comment=body.comment,
        version=body.version,
    )
    assignment = review.assignment_json(row, access.datapoint, previous_version=row.version - 1)
    return RejectOut(
        assignment=AssignmentPublic(**assignment),
        comment=CommentOut(**comments.view(db, note).json()),
    )


# --- comments -----------------------------------------------------------------------------


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=comments.MAX_BODY)
    segment_id: str | None = Field(default=None, max_length=36)
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class CommentUpdate(BaseModel):
    body: str | None = Field(default=None, min_length=1, max_length=comments.MAX_BODY)
    resolved: bool | None = None


@router.get("/api/datapoints/{datapoint_id}/comments", response_model=list[CommentOut])
def list_comments(access: DatapointReader, db: DbDep) -> list[CommentOut]:
    """The item's comments, oldest first; replies name their thread in `parent_id`."""
    return [CommentOut(**c.json()) for c in comments.list_comments(db, access.datapoint)]


@router.post("/api/datapoints/{datapoint_id}/comments", response_model=CommentOut, status_code=201)
def add_comment(body: CommentIn, access: DatapointAnnotator, db: DbDep) -> CommentOut:
    """A comment on the item, or on one of its segments (`segment_id`), or a reply
    (`parent_id`); `@username` mentions a member."""
    row = comments.add_comment(
        db,
        access.datapoint,
        access.principal,
        body.body,
        segment_id=body.segment_id,
        parent_id=body.parent_id,
    )
    return CommentOut(**comments.view(db, row).json())


class CommentAccess:
    def __init__(
        self, comment: Comment, datapoint: Datapoint, role: str, principal: Principal
    ) -> None:
        self.comment = comment
        self.datapoint = datapoint
        self.role = role
        self.principal = principal


def comment_access(need: Can) -> Callable[..., CommentAccess]:
    """The comment from the path, checked like its item (unseen items' comments are 404)."""

    def dependency(
        db: DbDep,
        principal: PrincipalDep,
        comment_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    ) -> CommentAccess:
        row = comments.get_comment(db, comment_id)
        try:
            datapoint, role = check_datapoint(db, principal, row.datapoint_id, need)
        except NotFound:
            raise NotFound(f"Comment {comment_id} does not exist.") from None
        return CommentAccess(row, datapoint, role, principal)

    return dependency


CommentWriter = Annotated[CommentAccess, Depends(comment_access(Can.annotate))]


@router.patch("/api/comments/{comment_id}", response_model=CommentOut)
def update_comment(body: CommentUpdate, access: CommentWriter, db: DbDep) -> CommentOut:
    """Edit your comment's text, or resolve / reopen a thread."""
    row = comments.update_comment(
        db, access.comment, access.principal, access.role, body=body.body, resolved=body.resolved
    )
    return CommentOut(**comments.view(db, row).json())


@router.delete("/api/comments/{comment_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_comment(access: CommentWriter, db: DbDep) -> None:
    """Deletes your comment (managers: any), with its replies."""
    comments.delete_comment(db, access.comment, access.principal, access.role)


# --- history ------------------------------------------------------------------------------


class EventOut(BaseModel):
    id: int
    at: str
    user_id: int | None
    who: str | None
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    restorable: bool


@router.get("/api/datapoints/{datapoint_id}/history", response_model=list[EventOut])
def get_history(
    access: DatapointReader,
    db: DbDep,
    segment_id: Annotated[str | None, Query(max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=history.MAX_EVENTS)] = history.MAX_EVENTS,
) -> list[EventOut]:
    """Who changed what on the item and when, newest first, with before and after;
    `segment_id` narrows it to one segment. Annotators see their own work's history."""
    events = history.item_history(
        db, access.datapoint, access.principal, access.role, segment_id=segment_id, limit=limit
    )
    return [EventOut(**e.json()) for e in events]


@router.post("/api/datapoints/{datapoint_id}/history/{event_id}/restore", response_model=BatchOut)
def restore(
    access: DatapointAnnotator,
    db: DbDep,
    event_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> Fast:
    """Puts a segment back as it was right after that change (before it, for a deletion)."""
    result = history.restore_segment(
        db, access.datapoint, access.principal, access.role, event_id=event_id
    )
    return Fast({"segments": result.segments, "deleted": result.deleted})
