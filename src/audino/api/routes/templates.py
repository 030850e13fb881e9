"""Project templates: the built-ins and saved ones, as JSON files too; saving a project's
setup as one. Creating a project from a template is `POST /api/projects` with `template`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from audino.api import openapi
from audino.api.deps import DbDep, ProjectManager, UserPrincipalDep
from audino.api.routes.export_jobs import attachment
from audino.services import access, templates
from audino.services.errors import TooLarge

router = APIRouter(tags=["templates"])


class TemplateValue(BaseModel):
    value: str
    color: str | None
    hotkey: str | None


class TemplateLabel(BaseModel):
    name: str
    kind: str
    scope: str
    required: bool
    color: str | None
    hotkey: str | None
    values: list[TemplateValue]


class TemplatePublic(BaseModel):
    id: str = Field(description="A built-in's key (such as transcription) or a saved id.")
    builtin: bool = Field(description="Built-in templates come with audino and stay.")
    name: str
    summary: str = Field(description="What the template is for, in a sentence.")
    description: str
    guidelines: str
    labels: list[TemplateLabel]
    settings: dict[str, Any]
    exports: list[str] = Field(description="Suggested export formats (registry names).")
    created_at: datetime | None
    created_by_id: int | None


class SaveAsTemplate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=templates.MAX_SUMMARY)
    exports: list[str] = Field(default_factory=list, max_length=templates.MAX_EXPORTS)


def public(t: templates.Template) -> TemplatePublic:
    doc = t.document
    return TemplatePublic(
        id=t.id,
        builtin=t.builtin,
        name=doc["name"],
        summary=doc["summary"],
        description=doc["description"],
        guidelines=doc["guidelines"],
        labels=[TemplateLabel.model_validate(label) for label in doc["labels"]],
        settings=doc["settings"],
        exports=doc["exports"],
        created_at=t.created_at,
        created_by_id=t.created_by_id,
    )


@router.get("/api/templates", response_model=list[TemplatePublic])
def list_templates(db: DbDep, principal: UserPrincipalDep) -> list[TemplatePublic]:
    """Every template: the built-ins, then those managers saved."""
    return [public(t) for t in templates.list_templates(db)]


@router.get(
    "/api/templates/{template_id}", response_model=TemplatePublic, responses=openapi.answers(404)
)
def get_template(template_id: str, db: DbDep, principal: UserPrincipalDep) -> TemplatePublic:
    return public(templates.get_template(db, template_id))


@router.get(
    "/api/templates/{template_id}/file",
    response_class=Response,
    responses={
        200: {"content": {"application/json": {}}, "description": "A template file."},
        **openapi.answers(404),
    },
)
def download_template(template_id: str, db: DbDep, principal: UserPrincipalDep) -> Response:
    """The template as a JSON file to keep or import elsewhere."""
    template = templates.get_template(db, template_id)
    body = json.dumps(template.file(), ensure_ascii=False, indent=2) + "\n"
    slug = "".join(c if c.isalnum() else "-" for c in template.name.lower()).strip("-")
    return Response(
        body.encode(),
        media_type="application/json",
        headers={"Content-Disposition": attachment(f"{slug or 'template'}.audino-template.json")},
    )


_FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
        "description": "A template file as exported (at most 1 MB).",
    }
}


async def _read_file(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    too_big = TooLarge(
        f"A template file is at most {templates.MAX_BYTES // 1000:,} kB; this one is larger.",
        code="template_too_large",
    )
    if declared.isdigit() and int(declared) > templates.MAX_BYTES:
        raise too_big
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > templates.MAX_BYTES:
            raise too_big
    return bytes(data)


TemplateFile = Annotated[bytes, Depends(_read_file)]


@router.post(
    "/api/templates/import",
    response_model=TemplatePublic,
    status_code=201,
    openapi_extra=_FILE_BODY,
    responses=openapi.answers(400, 403, 409, 413),
)
def import_template(data: TemplateFile, db: DbDep, principal: UserPrincipalDep) -> TemplatePublic:
    """Saves a template file (its JSON as the body); checked first, nothing saved if bad."""
    access.check_template_author(db, principal)
    doc = templates.parse_file(data)
    return public(templates.save_template(db, doc, actor_id=principal.actor_id))


@router.delete(
    "/api/templates/{template_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=openapi.answers(400, 403, 404),
)
def delete_template(template_id: str, db: DbDep, principal: UserPrincipalDep) -> None:
    """Deletes a saved template (its creator or an admin); built-ins stay (400)."""
    access.check_template_author(db, principal)
    template = templates.get_template(db, template_id)
    if not template.builtin:
        access.check_template_delete(db, principal, template.created_by_id)
    templates.delete_template(db, template, actor_id=principal.actor_id)


@router.post(
    "/api/projects/{project_id}/template",
    response_model=TemplatePublic,
    status_code=201,
    responses=openapi.answers(400, 409),
)
def save_as_template(body: SaveAsTemplate, access_: ProjectManager, db: DbDep) -> TemplatePublic:
    """Saves the project's labels, settings, rules and guidelines (never its data or members)
    as a new template."""
    principal = access_.principal
    principal.require_user()
    saved = templates.save_project(
        db,
        access_.project,
        name=body.name,
        summary=body.summary,
        exports=body.exports,
        actor_id=principal.actor_id,
    )
    return public(saved)
