"""Projects, their members and their API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from audino.api.deps import (
    AdminDep,
    DbDep,
    PrincipalDep,
    ProjectManager,
    ProjectReader,
    SettingsDep,
    StorageDep,
)
from audino.api.routes.auth import TokenIn, TokenOut
from audino.db.models import ApiKeyKind, ApiKeyScope, Membership, Project, Role
from audino.services import auth, projects, templates, users
from audino.services.counts import StatusCounts, status_counts
from audino.services.errors import InvalidInput, NotFound

router = APIRouter(prefix="/api/projects", tags=["projects"])


class ProjectCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    settings: dict[str, Any] = Field(default_factory=dict)
    template: str | None = Field(
        default=None,
        max_length=40,
        description="Set the project up from this template (GET /api/templates): its "
        "labels, settings, rules and guidelines; settings given here win over its own.",
    )


class ProjectUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    settings: dict[str, Any] | None = None


class ProjectPublic(BaseModel):
    id: int
    name: str
    description: str
    settings: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    role: str
    counts: StatusCounts


# Checked by the service (400 bad_role), listed here for clients.
ROLE = Field(json_schema_extra={"enum": [r.value for r in Role]})


class MemberIn(BaseModel):
    user_id: int | None = None
    username: str | None = None
    role: str = ROLE


class MemberUpdate(BaseModel):
    role: str = ROLE


class MemberPublic(BaseModel):
    user_id: int
    username: str
    role: str = ROLE
    is_active: bool


class ProjectKeyIn(TokenIn):
    scope: ApiKeyScope = Field(
        default=ApiKeyScope.upload,
        description="upload: add audio only (the default); export: read everything and "
        "export; manage: everything a project manager may do.",
    )


class ProjectKeyOut(TokenOut):
    scope: ApiKeyScope


class NewProjectKeyOut(ProjectKeyOut):
    key: str


def key_out(row: object) -> ProjectKeyOut:
    return ProjectKeyOut.model_validate(row, from_attributes=True)


def public(db: DbDep, project: Project, role: str, user_id: int | None) -> ProjectPublic:
    return ProjectPublic(
        id=project.id,
        name=project.name,
        description=project.description,
        settings=project.settings or {},
        created_at=project.created_at,
        updated_at=project.updated_at,
        role=role,
        counts=status_counts(db, project.id, user_id=user_id, role=role),
    )


def member_public(m: Membership) -> MemberPublic:
    return MemberPublic(
        user_id=m.user_id, username=m.user.username, role=m.role, is_active=m.user.is_active
    )


@router.get("", response_model=list[ProjectPublic])
def list_projects(db: DbDep, principal: PrincipalDep) -> list[ProjectPublic]:
    user_id = principal.user.id if principal.user else None
    return [public(db, p, role, user_id) for p, role in projects.visible_projects(db, principal)]


@router.post("", response_model=ProjectPublic, status_code=201)
def create_project(body: ProjectCreate, db: DbDep, principal: AdminDep) -> ProjectPublic:
    if body.template is not None:
        try:
            template = templates.get_template(db, body.template)
        except NotFound:
            raise InvalidInput(
                f"There is no template {body.template!r}; GET /api/templates lists them.",
                code="unknown_template",
            ) from None
        made = templates.create_project(
            db,
            template,
            body.name,
            description=body.description,
            settings=body.settings,
            actor_id=principal.actor_id,
        )
        return public(db, made, "admin", principal.actor_id)
    project = projects.create_project(
        db,
        body.name,
        description=body.description,
        settings=body.settings,
        actor_id=principal.actor_id,
    )
    return public(db, project, "admin", principal.actor_id)


@router.get("/{project_id}", response_model=ProjectPublic)
def get_project(access: ProjectReader, db: DbDep) -> ProjectPublic:
    user = access.principal.user
    return public(db, access.project, access.role, user.id if user else None)


@router.patch("/{project_id}", response_model=ProjectPublic)
def update_project(body: ProjectUpdate, access: ProjectManager, db: DbDep) -> ProjectPublic:
    projects.update_project(
        db,
        access.project,
        name=body.name,
        description=body.description,
        settings=body.settings,
        actor_id=access.principal.actor_id,
    )
    user = access.principal.user
    return public(db, access.project, access.role, user.id if user else None)


@router.delete("/{project_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_project(
    access: ProjectManager, db: DbDep, storage: StorageDep, settings: SettingsDep
) -> None:
    unused = projects.delete_project(db, access.project, actor_id=access.principal.actor_id)
    db.commit()
    unused.remove(storage, settings)


@router.get("/{project_id}/members", response_model=list[MemberPublic])
def list_members(access: ProjectReader, db: DbDep) -> list[MemberPublic]:
    return [member_public(m) for m in projects.list_members(db, access.project.id)]


@router.post("/{project_id}/members", response_model=MemberPublic, status_code=201)
def add_member(body: MemberIn, access: ProjectManager, db: DbDep) -> MemberPublic:
    if body.user_id is not None:
        user = users.get_user(db, body.user_id)
    else:
        from audino.services.errors import InvalidInput, NotFound

        if not body.username:
            raise InvalidInput("Give user_id or username.", code="user_required")
        found = users.find_by_username(db, body.username)
        if found is None:
            raise NotFound(f"No user named {body.username!r}.")
        user = found
    m = projects.set_member(db, access.project, user, body.role, actor_id=access.principal.actor_id)
    return member_public(m)


@router.patch("/{project_id}/members/{user_id}", response_model=MemberPublic)
def update_member(
    user_id: int, body: MemberUpdate, access: ProjectManager, db: DbDep
) -> MemberPublic:
    user = users.get_user(db, user_id)
    if projects.get_membership(db, access.project.id, user_id) is None:
        from audino.services.errors import NotFound

        raise NotFound(f"User {user_id} is not a member of this project.")
    m = projects.set_member(db, access.project, user, body.role, actor_id=access.principal.actor_id)
    return member_public(m)


@router.delete("/{project_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_member(user_id: int, access: ProjectManager, db: DbDep) -> None:
    projects.remove_member(db, access.project, user_id, actor_id=access.principal.actor_id)


@router.get("/{project_id}/api-keys", response_model=list[ProjectKeyOut])
def list_keys(access: ProjectManager, db: DbDep) -> list[ProjectKeyOut]:
    return [key_out(r) for r in auth.list_api_keys(db, project_id=access.project.id)]


@router.post("/{project_id}/api-keys", response_model=NewProjectKeyOut, status_code=201)
def issue_key(body: ProjectKeyIn, access: ProjectManager, db: DbDep) -> NewProjectKeyOut:
    """A key for scripts, shown once. Its scope limits what it may do in this project."""
    access.principal.require_user()
    new = auth.issue_api_key(
        db,
        kind=ApiKeyKind.project,
        name=body.name,
        created_by_id=access.principal.actor_id,
        project_id=access.project.id,
        scope=body.scope,
    )
    return NewProjectKeyOut(**key_out(new.row).model_dump(), key=new.key)


@router.delete("/{project_id}/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_key(key_id: int, access: ProjectManager, db: DbDep) -> None:
    auth.revoke_api_key(db, key_id, project_id=access.project.id)
