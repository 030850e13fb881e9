"""Projects, their settings and their members."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audino.db.models import Datapoint, Membership, Project, Role, User
from audino.services import active_learning, audit, gold, quick, validation, windows
from audino.services.access import Can, Principal, allowed, key_role
from audino.services.errors import Conflict, InvalidInput, NotFound
from audino.services.ingest import unused_blobs


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("A project needs a name.", code="bad_name")
    if len(name) > 200:
        raise InvalidInput("Project names are at most 200 characters.", code="bad_name")
    return name


def find_by_name(db: Session, name: str) -> Project | None:
    return db.scalar(select(Project).where(Project.name == name))


def get_project(db: Session, project_id: int) -> Project:
    project = db.get(Project, project_id)
    if project is None:
        raise NotFound(f"Project {project_id} does not exist.")
    return project


def create_project(
    db: Session,
    name: str,
    *,
    description: str = "",
    settings: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> Project:
    name = _clean_name(name)
    if find_by_name(db, name) is not None:
        raise Conflict(f"A project named {name!r} already exists.", code="project_exists")
    project = Project(
        name=name,
        description=description,
        settings=_checked(settings or {}),
        created_by_id=actor_id,
    )
    db.add(project)
    db.flush()
    audit.record(
        db,
        user_id=actor_id,
        action="project.create",
        entity_type="project",
        entity_id=project.id,
        project_id=project.id,
        after={"name": name},
    )
    return project


MAX_GUIDELINES = 100_000


def _checked(
    settings: dict[str, Any], db: Session | None = None, project_id: int | None = None
) -> dict[str, Any]:
    guidelines = settings.get("guidelines")
    if guidelines is not None and (
        not isinstance(guidelines, str) or len(guidelines) > MAX_GUIDELINES
    ):
        raise InvalidInput(
            f"settings.guidelines is Markdown text of at most {MAX_GUIDELINES:,} characters.",
            code="bad_settings",
        )
    windows.config_of(settings)  # 400 naming a bad sessions option
    validation.check_settings(settings)  # 400 naming a bad validation rule
    gold.settings_of(settings)  # 400 naming a bad gold option
    if "queue" in settings:  # 400 naming a bad queue order; stored as checked
        settings = {**settings, "queue": active_learning.queue_config(settings).json()}
    from audino.services.prediction_jobs import at_ingest_config

    if "models" in settings:  # 400 naming a bad model run; stored as checked (defaults in)
        settings = {**settings, "models": {"at_ingest": at_ingest_config(settings)}}
    from audino.services.features import check_setting

    check_setting(settings)  # 400 unless features_at_ingest is a boolean (409: no librosa)
    quick.check_setting(settings, db, project_id)  # 400 naming a bad quick mode or its label
    return settings


def update_project(
    db: Session,
    project: Project,
    *,
    name: str | None = None,
    description: str | None = None,
    settings: dict[str, Any] | None = None,
    actor_id: int | None = None,
) -> Project:
    before = {
        "name": project.name,
        "description": project.description,
        "settings": project.settings,
    }
    if name is not None and name.strip() != project.name:
        name = _clean_name(name)
        if find_by_name(db, name) is not None:
            raise Conflict(f"A project named {name!r} already exists.", code="project_exists")
        project.name = name
    if description is not None:
        project.description = description
    if settings is not None:
        project.settings = _checked(settings, db, project.id)
    audit.record(
        db,
        user_id=actor_id,
        action="project.update",
        entity_type="project",
        entity_id=project.id,
        project_id=project.id,
        before=before,
        after={
            "name": project.name,
            "description": project.description,
            "settings": project.settings,
        },
    )
    return project


def delete_project(
    db: Session, project: Project, *, actor_id: int | None = None
) -> unused_blobs.Unused:
    """Deletes the project and returns the blobs nothing else uses any more (remove them
    only after the transaction has committed)."""
    held = unused_blobs.held_by(db, Datapoint.project_id == project.id)
    audit.record(
        db,
        user_id=actor_id,
        action="project.delete",
        entity_type="project",
        entity_id=project.id,
        before={"name": project.name},
    )
    project_id = project.id
    db.delete(project)
    db.flush()
    unused = unused_blobs.left_unused(db, held)
    unused.export_projects.append(project_id)  # its finished exports go too
    return unused


def visible_projects(db: Session, principal: Principal) -> list[tuple[Project, str]]:
    """The caller's projects with their role in each."""
    if principal.via == "project_key":
        assert principal.api_key is not None and principal.api_key.project_id is not None
        project = db.get(Project, principal.api_key.project_id)
        role = key_role(principal.api_key)
        # An upload-only key adds audio; it does not read the project.
        if project is None or role is None or not allowed(role, Can.read):
            return []
        return [(project, role)]
    if principal.is_admin:
        return [(p, "admin") for p in db.scalars(select(Project).order_by(Project.id))]
    user = principal.require_user()
    rows = db.execute(
        select(Project, Membership.role)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id)
        .order_by(Project.id)
    )
    return [(p, r) for p, r in rows]


def check_role(role: str) -> str:
    try:
        return Role(role).value
    except ValueError:
        raise InvalidInput(
            f"Unknown role {role!r}; use one of: manager, annotator, reviewer.", code="bad_role"
        ) from None


def list_members(db: Session, project_id: int) -> list[Membership]:
    return list(
        db.scalars(
            select(Membership).where(Membership.project_id == project_id).order_by(Membership.id)
        )
    )


def get_membership(db: Session, project_id: int, user_id: int) -> Membership | None:
    return db.scalar(
        select(Membership).where(Membership.project_id == project_id, Membership.user_id == user_id)
    )


def set_member(
    db: Session, project: Project, user: User, role: str, *, actor_id: int | None = None
) -> Membership:
    role = check_role(role)
    membership = get_membership(db, project.id, user.id)
    before = {"role": membership.role} if membership else None
    if membership is None:
        membership = Membership(project_id=project.id, user_id=user.id, role=role)
        db.add(membership)
    else:
        membership.role = role
    db.flush()
    audit.record(
        db,
        user_id=actor_id,
        action="member.set",
        entity_type="membership",
        entity_id=membership.id,
        project_id=project.id,
        before=before,
        after={"user_id": user.id, "role": role},
    )
    return membership


def remove_member(
    db: Session, project: Project, user_id: int, *, actor_id: int | None = None
) -> None:
    membership = get_membership(db, project.id, user_id)
    if membership is None:
        raise NotFound(f"User {user_id} is not a member of this project.")
    audit.record(
        db,
        user_id=actor_id,
        action="member.remove",
        entity_type="membership",
        entity_id=membership.id,
        project_id=project.id,
        before={"user_id": user_id, "role": membership.role},
    )
    db.delete(membership)


def member_count(db: Session, project_id: int) -> int:
    return int(
        db.scalar(
            select(func.count()).select_from(Membership).where(Membership.project_id == project_id)
        )
        or 0
    )


def check_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Project settings as they would be stored; 400 naming the first bad option."""
    return _checked(settings)
