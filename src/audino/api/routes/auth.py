"""Login, logout, the current user, own password and personal API tokens."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, Field

from audino.api import openapi
from audino.api.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    DbDep,
    PrincipalDep,
    SettingsDep,
    UserPrincipalDep,
    optional_principal,
)
from audino.api.errors import error_response
from audino.db.models import ApiKeyKind
from audino.services import auth, projects, users
from audino.services.access import Principal
from audino.services.errors import InvalidInput, NotAuthenticated

router = APIRouter(prefix="/api/auth", tags=["auth"])
log = logging.getLogger("audino")


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)


class MeOut(BaseModel):
    id: int | None
    username: str | None
    is_admin: bool
    via: str
    csrf_token: str | None = None
    project_roles: dict[int, str] = {}


class PasswordIn(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class TokenIn(BaseModel):
    name: str = Field(default="", max_length=200)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    kind: str
    project_id: int | None
    created_at: datetime
    revoked_at: datetime | None
    # When it was last used (written at most once a minute); null if never.
    last_used_at: datetime | None = None


class NewTokenOut(TokenOut):
    key: str


def token_out(row: object) -> TokenOut:
    return TokenOut.model_validate(row, from_attributes=True)


class SessionOut(BaseModel):
    """Who is signed in; `me` is null when nobody is."""

    me: MeOut | None


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_warned_untrusted_forwarding = False


def request_client(request: Request, trusted: Sequence[IPNetwork]) -> str:
    """The address a login counts against (see `client_address`)."""
    global _warned_untrusted_forwarding
    forwarded = request.headers.getlist("x-forwarded-for")
    peer = request.client.host if request.client else None
    client = client_address(peer, forwarded, trusted)
    if forwarded and client == peer and not _warned_untrusted_forwarding:
        _warned_untrusted_forwarding = True
        log.warning(
            "X-Forwarded-For from %s is ignored: list the server's reverse proxies in "
            "AUDINO_TRUSTED_PROXIES, or every login through them counts as one address",
            peer,
        )
    return client


def client_address(peer: str | None, forwarded: Sequence[str], trusted: Sequence[IPNetwork]) -> str:
    """The direct peer; or, when the peer is a trusted proxy, the right-most hop of
    X-Forwarded-For that is not one. Hops left of that were written by the client itself."""
    address = _parse_address(peer or "")
    if address is None:
        return peer or "unknown"
    hops = [hop.strip() for value in forwarded for hop in value.split(",")]
    while _is_trusted(address, trusted) and hops:
        hop = hops.pop()
        if not hop:
            continue
        parsed = _parse_address(hop)
        if parsed is None:
            return hop[:100]  # written by a trusted proxy, so still this client's name
        address = parsed
    return str(address)


def _is_trusted(address: IPAddress, trusted: Sequence[IPNetwork]) -> bool:
    return any(address in network for network in trusted)


def _parse_address(text: str) -> IPAddress | None:
    """An IP address, also as some proxies write it ("[::1]:443", "10.0.0.1:80")."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _me(db: DbDep, principal: Principal) -> MeOut:
    roles = {p.id: role for p, role in projects.visible_projects(db, principal)}
    user = principal.user
    return MeOut(
        id=user.id if user else None,
        username=user.username if user else None,
        is_admin=principal.is_admin,
        via=principal.via,
        csrf_token=principal.csrf_token,
        project_roles=roles,
    )


@router.post("/login", response_model=MeOut, responses=openapi.answers(401, 429))
def login(
    body: LoginIn, request: Request, response: Response, db: DbDep, settings: SettingsDep
) -> MeOut | Response:
    limiter: auth.LoginLimiter = request.app.state.login_limiter
    client = request_client(request, settings.resolved_trusted_proxies)
    try:
        limiter.check(db, body.username, client)
        user = auth.authenticate(db, body.username, body.password)
    except auth.LoginLocked as exc:
        locked = error_response(exc.status, exc.detail, exc.code, retry_after=exc.retry_after)
        locked.headers["Retry-After"] = str(exc.retry_after)
        return locked
    except NotAuthenticated as exc:
        limiter.record_failure(db, body.username, client)
        # Answered, not raised: the request's transaction then commits the count.
        return error_response(exc.status, exc.detail, exc.code, **(exc.extra or {}))
    limiter.record_success(db, body.username, client)
    new = auth.create_session(db, user, settings.session_lifetime_hours)
    max_age = int(settings.session_lifetime_hours * 3600)
    response.set_cookie(
        SESSION_COOKIE,
        new.token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        new.csrf_token,
        max_age=max_age,
        httponly=False,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    principal = Principal(
        user=user, via="session", session_id=new.row.id, csrf_token=new.csrf_token
    )
    return _me(db, principal)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(response: Response, db: DbDep, principal: PrincipalDep) -> Response:
    if principal.session_id is not None:
        auth.revoke_session(db, principal.session_id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", response_model=MeOut)
def me(db: DbDep, principal: PrincipalDep) -> MeOut:
    return _me(db, principal)


@router.get("/session", response_model=SessionOut)
def session(
    db: DbDep, principal: Annotated[Principal | None, Depends(optional_principal)]
) -> SessionOut:
    """Like /me, but a visitor who is not signed in gets 200 and `me: null`, not a 401.

    The web app asks this on load, so the login page does not log a failed request.
    """
    return SessionOut(me=_me(db, principal) if principal is not None else None)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(body: PasswordIn, db: DbDep, principal: UserPrincipalDep) -> None:
    user = principal.require_user()
    if not auth.verify_password(user.password_hash, body.current_password):
        raise InvalidInput("The current password is wrong.", code="bad_credentials")
    users.set_password(
        db, user, body.new_password, actor_id=user.id, keep_session_id=principal.session_id
    )


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(db: DbDep, principal: UserPrincipalDep) -> list[TokenOut]:
    user = principal.require_user()
    return [token_out(r) for r in auth.list_api_keys(db, user_id=user.id)]


@router.post("/tokens", response_model=NewTokenOut, status_code=201)
def create_token(body: TokenIn, db: DbDep, principal: UserPrincipalDep) -> NewTokenOut:
    user = principal.require_user()
    new = auth.issue_api_key(
        db, kind=ApiKeyKind.personal, name=body.name, created_by_id=user.id, user_id=user.id
    )
    return NewTokenOut(**token_out(new.row).model_dump(), key=new.key)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: int, db: DbDep, principal: UserPrincipalDep) -> None:
    user = principal.require_user()
    auth.revoke_api_key(db, token_id, user_id=user.id)
