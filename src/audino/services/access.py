"""Who may do what: the one place where roles turn into permissions.

Admins may do everything; a project's managers (and its API keys) run that project;
reviewers see and correct all of its annotations; annotators see only the datapoints
assigned to them and write only their own segments.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from audino.db.models import (
    ApiKey,
    Assignment,
    Datapoint,
    Job,
    Membership,
    Project,
    Role,
    User,
)
from audino.services.errors import NotFound, PermissionDenied


class Can(enum.Enum):
    """Capabilities checked against a project role."""

    read = "read"  # see the project, its labels and the datapoints visible to you
    annotate = "annotate"  # write your own segments on datapoints assigned to you
    review = "review"  # see and correct everyone's annotations in the project
    manage = "manage"  # edit the project, labels, members, keys, upload, assign, export


ADMIN = "admin"
_GRANTS: dict[str, set[Can]] = {
    ADMIN: {Can.read, Can.annotate, Can.review, Can.manage},
    Role.manager.value: {Can.read, Can.annotate, Can.review, Can.manage},
    Role.reviewer.value: {Can.read, Can.annotate, Can.review},
    Role.annotator.value: {Can.read, Can.annotate},
}


@dataclass
class Principal:
    """The caller: a user (by session or personal token) or a project API key."""

    user: User | None
    via: str  # "session" | "token" | "project_key"
    api_key: ApiKey | None = None
    session_id: int | None = None
    csrf_token: str | None = None
    _roles: dict[int, str | None] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return self.user is not None and self.user.is_admin and self.via != "project_key"

    @property
    def actor_id(self) -> int | None:
        """The user to record as author: the key's creator for project keys."""
        if self.user is not None:
            return self.user.id
        return self.api_key.created_by_id if self.api_key else None

    def role_in(self, db: Session, project_id: int) -> str | None:
        if project_id in self._roles:
            return self._roles[project_id]
        role: str | None
        if self.via == "project_key":
            role = (
                Role.manager.value
                if self.api_key and self.api_key.project_id == project_id
                else None
            )
        elif self.is_admin:
            role = ADMIN
        else:
            assert self.user is not None
            role = db.scalar(
                select(Membership.role).where(
                    Membership.project_id == project_id, Membership.user_id == self.user.id
                )
            )
        self._roles[project_id] = role
        return role

    def require_user(self) -> User:
        if self.user is None:
            raise PermissionDenied(
                "A project API key can only act on its project; log in as a user for this.",
                code="user_required",
            )
        return self.user

    def require_admin(self) -> User:
        user = self.require_user()
        if not self.is_admin:
            raise PermissionDenied("Only administrators may do this.", code="admin_required")
        return user


def allowed(role: str | None, need: Can) -> bool:
    return role is not None and need in _GRANTS.get(role, set())


def check_project(
    db: Session, principal: Principal, project_id: int, need: Can
) -> tuple[Project, str]:
    project = db.get(Project, project_id)
    role = principal.role_in(db, project_id) if project else None
    if project is None or (role is None and not principal.is_admin):
        raise NotFound(f"Project {project_id} does not exist or you are not a member of it.")
    if not allowed(role, need):
        raise PermissionDenied(
            f"Your role in project {project.name!r} ({role}) does not allow this; "
            f"it needs permission to {need.value}.",
        )
    assert role is not None
    return project, role


# Built once: the datapoint with the caller's role in its project and their assignment.
_DATAPOINT_ROLE_ASSIGNMENT = (
    select(Datapoint, Membership.role, Assignment.id)
    .outerjoin(
        Membership,
        and_(
            Membership.project_id == Datapoint.project_id,
            Membership.user_id == bindparam("user_id"),
        ),
    )
    .outerjoin(
        Assignment,
        and_(Assignment.datapoint_id == Datapoint.id, Assignment.user_id == bindparam("user_id")),
    )
    .where(Datapoint.id == bindparam("datapoint_id"))
)


def check_datapoint(
    db: Session, principal: Principal, datapoint_id: int, need: Can
) -> tuple[Datapoint, str]:
    """A datapoint the caller may see; annotators only see those assigned to them."""
    assigned: int | None = None
    if principal.user is not None and not principal.is_admin:
        # A member: the datapoint, the role and the assignment in one query.
        found = db.execute(
            _DATAPOINT_ROLE_ASSIGNMENT,
            {"datapoint_id": datapoint_id, "user_id": principal.user.id},
        ).first()
        if found is None:
            raise NotFound(f"Datapoint {datapoint_id} does not exist.")
        datapoint, member_role, assigned = found
        principal._roles.setdefault(datapoint.project_id, member_role)
        role = principal._roles[datapoint.project_id]
    else:
        maybe = db.get(Datapoint, datapoint_id)
        if maybe is None:
            raise NotFound(f"Datapoint {datapoint_id} does not exist.")
        datapoint = maybe
        role = principal.role_in(db, datapoint.project_id)
    if role is None:
        raise NotFound(f"Datapoint {datapoint_id} does not exist.")
    if not allowed(role, need):
        raise PermissionDenied(f"Your role ({role}) does not allow you to {need.value} here.")
    if not sees_all_datapoints(role) and assigned is None:
        raise PermissionDenied(
            f"Datapoint {datapoint_id} is not assigned to you.", code="not_assigned"
        )
    return datapoint, role


def check_job(db: Session, principal: Principal, job: Job, need: Can) -> None:
    """A job is seen and handled like what it works on: its datapoint, project, or creator."""
    if job.datapoint_id is not None:
        check_datapoint(db, principal, job.datapoint_id, need)
    elif job.project_id is not None:
        check_project(db, principal, job.project_id, need)
    elif not principal.is_admin and (
        principal.user is None or principal.user.id != job.created_by_id
    ):
        raise NotFound(f"Job {job.id} does not exist.")


def sees_all_datapoints(role: str) -> bool:
    return allowed(role, Can.review)
