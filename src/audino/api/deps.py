"""Named FastAPI dependencies: the database session, the caller, and permission checks."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from audino.config import Settings
from audino.db.engine import Database
from audino.db.models import ApiKeyKind, Datapoint, Job, Project
from audino.services import auth, jobs
from audino.services.access import Can, Principal, check_datapoint, check_job, check_project
from audino.services.errors import NotAuthenticated, PermissionDenied
from audino.storage.blobs import BlobStore

SESSION_COOKIE = "audino_session"
CSRF_COOKIE = "audino_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_database(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def get_storage(request: Request) -> BlobStore:
    return request.app.state.storage  # type: ignore[no-any-return]


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent.

    Opening a session does no I/O, so it happens on the event loop; the commit (or the
    rollback) runs in the thread pool like every other database call.
    """
    database: Database = request.app.state.db
    session = database.new_session(write=request.method not in SAFE_METHODS)
    try:
        yield session
    except BaseException:
        await run_in_threadpool(_abort, session)
        raise
    await run_in_threadpool(_finish, session)


def _finish(session: Session) -> None:
    try:
        session.commit()
    except BaseException:
        _abort(session)
        raise
    session.close()


def _abort(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
# scope="function": commit before the response is sent, so a 2xx always means saved.
DbDep = Annotated[Session, Depends(get_db, scope="function")]
StorageDep = Annotated[BlobStore, Depends(get_storage)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "").strip()
    if not header:
        return None
    scheme, _, rest = header.partition(" ")
    if scheme.lower() in ("bearer", "token") and rest.strip():
        return rest.strip()
    # The 2020 audino client sends the project key as the raw header value.
    return header if " " not in header else None


_PRINCIPAL_KEY = "audino.principal"


def optional_principal(request: Request, db: DbDep) -> Principal | None:
    """The caller, resolved once per request (never cached across requests)."""
    scope = request.scope
    if _PRINCIPAL_KEY not in scope:
        scope[_PRINCIPAL_KEY] = _resolve_principal(request, db)
    principal: Principal | None = scope[_PRINCIPAL_KEY]
    return principal


def _resolve_principal(request: Request, db: Session) -> Principal | None:
    token = _bearer(request)
    if token is not None:
        found = auth.resolve_api_key_user(db, token)
        if found is None:
            raise NotAuthenticated("The API key or token is invalid or revoked.", code="bad_token")
        key, user = found
        writes = request.method not in SAFE_METHODS  # then its own transaction writes it
        auth.note_key_use(db, key, database=None if writes else request.app.state.db)
        if key.kind == ApiKeyKind.project.value:
            return Principal(user=None, via="project_key", api_key=key)
        if user is None or not user.is_active:
            raise NotAuthenticated("The token's user is deactivated.", code="account_inactive")
        return Principal(user=user, via="token", api_key=key)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    row = auth.resolve_session(db, cookie)
    if row is None:
        return None
    principal = Principal(
        user=row.user, via="session", session_id=row.id, csrf_token=row.csrf_token
    )
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent, row.csrf_token):
            raise PermissionDenied(
                f"Missing or wrong {CSRF_HEADER} header for a cookie-authenticated write.",
                code="csrf_failed",
            )
    return principal


def _required(principal: Principal | None) -> Principal:
    if principal is None:
        raise NotAuthenticated("Log in or send an API token.")
    return principal


# The dependencies below do no I/O, so they run on the event loop (no thread-pool hop).
async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    return _required(principal)


async def current_user_principal(
    principal: Annotated[Principal, Depends(current_principal)],
) -> Principal:
    principal.require_user()
    return principal


async def admin_principal(
    principal: Annotated[Principal, Depends(current_principal)],
) -> Principal:
    principal.require_admin()
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
UserPrincipalDep = Annotated[Principal, Depends(current_user_principal)]
AdminDep = Annotated[Principal, Depends(admin_principal)]


class ProjectAccess:
    """The project from the path, checked against the caller's role."""

    def __init__(self, project: Project, role: str, principal: Principal) -> None:
        self.project = project
        self.role = role
        self.principal = principal


class DatapointAccess:
    def __init__(self, datapoint: Datapoint, role: str, principal: Principal) -> None:
        self.datapoint = datapoint
        self.role = role
        self.principal = principal


def project_access(need: Can) -> Callable[..., ProjectAccess]:
    # The caller is resolved here, in the same thread-pool call as the check.
    def dependency(project_id: int, request: Request, db: DbDep) -> ProjectAccess:
        principal = _required(optional_principal(request, db))
        project, role = check_project(db, principal, project_id, need)
        return ProjectAccess(project, role, principal)

    return dependency


def datapoint_access(need: Can) -> Callable[..., DatapointAccess]:
    def dependency(datapoint_id: int, request: Request, db: DbDep) -> DatapointAccess:
        principal = _required(optional_principal(request, db))
        datapoint, role = check_datapoint(db, principal, datapoint_id, need)
        return DatapointAccess(datapoint, role, principal)

    return dependency


ProjectReader = Annotated[ProjectAccess, Depends(project_access(Can.read))]
ProjectManager = Annotated[ProjectAccess, Depends(project_access(Can.manage))]
ProjectReviewer = Annotated[ProjectAccess, Depends(project_access(Can.review))]
ProjectUploader = Annotated[ProjectAccess, Depends(project_access(Can.upload))]
ProjectExporter = Annotated[ProjectAccess, Depends(project_access(Can.export))]
DatapointReader = Annotated[DatapointAccess, Depends(datapoint_access(Can.read))]
DatapointAnnotator = Annotated[DatapointAccess, Depends(datapoint_access(Can.annotate))]
DatapointReviewer = Annotated[DatapointAccess, Depends(datapoint_access(Can.review))]
DatapointManager = Annotated[DatapointAccess, Depends(datapoint_access(Can.manage))]


class JobAccess:
    def __init__(self, job: Job, principal: Principal) -> None:
        self.job = job
        self.principal = principal


def job_access(need: Can) -> Callable[..., JobAccess]:
    def dependency(job_id: int, request: Request, db: DbDep) -> JobAccess:
        principal = _required(optional_principal(request, db))
        job = jobs.get_job(db, job_id)
        check_job(db, principal, job, need)
        return JobAccess(job, principal)

    return dependency


JobReader = Annotated[JobAccess, Depends(job_access(Can.read))]
JobManager = Annotated[JobAccess, Depends(job_access(Can.manage))]
