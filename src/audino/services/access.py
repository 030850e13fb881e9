"""Who may do what: the one place where roles turn into permissions.

Admins may do everything; a project's managers run that project; reviewers see and
correct all of its annotations; annotators see only the datapoints assigned to them and
write only their own segments. A project API key acts within its scope only: an upload
key adds audio (the default), an export key reads and exports, a manage key is a manager.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, false, or_, select
from sqlalchemy.orm import Session

from audino.db.models import (
    ApiKey,
    ApiKeyScope,
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
    upload = "upload"  # add audio to the project
    export = "export"  # export the project's data and audio
    manage = "manage"  # edit the project, labels, members, keys, assign, import


ADMIN = "admin"
EXPORT_JOB_KIND = "export"  # the kind of services.exports.jobs' jobs
UPLOAD_KEY = "upload key"
EXPORT_KEY = "export key"
_EVERYTHING = set(Can)
_GRANTS: dict[str, set[Can]] = {
    ADMIN: _EVERYTHING,
    Role.manager.value: _EVERYTHING,
    Role.reviewer.value: {Can.read, Can.annotate, Can.review},
    Role.annotator.value: {Can.read, Can.annotate},
    # Project API keys, by scope: what a script holding one may do in its project.
    UPLOAD_KEY: {Can.upload},
    EXPORT_KEY: {Can.read, Can.review, Can.export},
}
_KEY_ROLES = {
    ApiKeyScope.upload.value: UPLOAD_KEY,
    ApiKeyScope.export.value: EXPORT_KEY,
    ApiKeyScope.manage.value: Role.manager.value,
}


# The 2020 upload protocol carries the assigned user's pre-annotations and review mark:
# the upload writes them for that user with the rights of a manager.
UPLOAD_WRITES_AS = Role.manager.value


def key_role(key: ApiKey | None) -> str | None:
    """The role a project API key acts with in its own project (upload-only when unset)."""
    if key is None or key.project_id is None:
        return None
    return _KEY_ROLES.get(key.scope or ApiKeyScope.upload.value, UPLOAD_KEY)


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
            in_project = self.api_key is not None and self.api_key.project_id == project_id
            role = key_role(self.api_key) if in_project else None
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
    # What the caller may not see is not found: a 403 would tell them the id exists.
    hidden = (
        role is None
        or not allowed(role, Can.read)
        or (not sees_all_datapoints(role) and assigned is None)
    )
    if hidden:
        raise NotFound(f"Datapoint {datapoint_id} does not exist.")
    assert role is not None
    if not allowed(role, need):
        raise PermissionDenied(f"Your role ({role}) does not allow you to {need.value} here.")
    return datapoint, role


def _roles_with(*needs: Can) -> list[str]:
    return [role for role, grants in _GRANTS.items() if role != ADMIN and set(needs) <= grants]


def _projects_where(principal: Principal, roles: list[str]) -> Any:
    """The ids of the projects where the caller holds one of `roles` (a subquery)."""
    if principal.via == "project_key":
        key_project = principal.api_key.project_id if principal.api_key else None
        ok = key_role(principal.api_key) in roles and key_project is not None
        return select(Project.id).where(Project.id == key_project if ok else false())
    user_id = principal.user.id if principal.user else None
    return select(Membership.project_id).where(
        Membership.user_id == user_id, Membership.role.in_(roles)
    )


def visible_jobs(principal: Principal, need: Can = Can.read) -> ColumnElement[bool] | None:
    """The one rule for jobs, as SQL: those the caller may `need` (None: all, for admins).

    A datapoint's job (its ingest) goes with the datapoint: reviewers and managers of its
    project, or the annotator it is assigned to. A project's own jobs (exports, imports,
    with their file names and sizes) are its managers' work. A job of no project is its
    creator's. Both the job list and the single read use this rule.
    """
    if principal.is_admin:
        return None
    sees_all = _projects_where(principal, _roles_with(need, Can.review))
    member = _projects_where(principal, _roles_with(need))
    user_id = principal.user.id if principal.user else None
    assigned = (
        select(Assignment.datapoint_id)
        .join(Datapoint, Datapoint.id == Assignment.datapoint_id)
        .where(Assignment.user_id == user_id, Datapoint.project_id.in_(member))
    )
    datapoints = select(Datapoint.id).where(Datapoint.project_id.in_(sees_all))
    managed = _projects_where(principal, _roles_with(need, Can.manage))
    exported = _projects_where(principal, _roles_with(need, Can.export))
    return or_(
        and_(
            Job.datapoint_id.is_not(None),
            or_(Job.datapoint_id.in_(datapoints), Job.datapoint_id.in_(assigned)),
        ),
        and_(Job.datapoint_id.is_(None), Job.project_id.in_(managed)),
        # Export keys follow their exports (not the project's imports).
        and_(
            Job.datapoint_id.is_(None),
            Job.kind == EXPORT_JOB_KIND,
            Job.project_id.in_(exported),
        ),
        and_(
            Job.datapoint_id.is_(None),
            Job.project_id.is_(None),
            Job.created_by_id == user_id if user_id is not None else false(),
        ),
    )


def may_job(db: Session, principal: Principal, job_id: int, need: Can) -> bool:
    rule = visible_jobs(principal, need)
    found = select(Job.id).where(Job.id == job_id)
    return db.scalar(found if rule is None else found.where(rule)) is not None


def check_job(db: Session, principal: Principal, job: Job, need: Can) -> None:
    """By `visible_jobs`: a job the caller may not see is not found (they cannot know it
    exists); one they see but may not handle is refused."""
    if may_job(db, principal, job.id, need):
        return
    if need is not Can.read and may_job(db, principal, job.id, Can.read):
        raise PermissionDenied(f"Your role does not allow you to {need.value} job {job.id}.")
    raise NotFound(f"Job {job.id} does not exist.")


def sees_all_datapoints(role: str) -> bool:
    return allowed(role, Can.review)


def manages_any_project(db: Session, principal: Principal) -> bool:
    """An admin, or a user who manages at least one project (project keys never)."""
    if principal.via == "project_key" or principal.user is None:
        return False
    if principal.is_admin:
        return True
    found = select(Membership.id).where(
        Membership.user_id == principal.user.id, Membership.role == Role.manager.value
    )
    return db.scalar(found.limit(1)) is not None


def check_template_author(db: Session, principal: Principal) -> None:
    """Saving, importing and deleting project templates: admins and project managers."""
    principal.require_user()
    if not manages_any_project(db, principal):
        raise PermissionDenied(
            "Only administrators and project managers may save, import or delete templates.",
            code="manager_required",
        )


def check_template_delete(db: Session, principal: Principal, created_by_id: int | None) -> None:
    """A saved template is deleted by an admin or by the manager who saved it."""
    check_template_author(db, principal)
    if principal.is_admin:
        return
    assert principal.user is not None
    if created_by_id != principal.user.id:
        raise PermissionDenied(
            "Only an administrator or the manager who saved this template may delete it.",
            code="not_template_owner",
        )
