"""Administering users: create, list, deactivate, admin flag, password reset, delete."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from audino.api.deps import AdminDep, DbDep
from audino.db.models import User
from audino.services import auth, users

router = APIRouter(prefix="/api/users", tags=["users"])


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=150)
    password: str | None = Field(default=None, max_length=1024)
    is_admin: bool = False


class UserUpdate(BaseModel):
    is_admin: bool | None = None
    is_active: bool | None = None


class UserPublic(BaseModel):
    id: int
    username: str
    is_admin: bool
    is_active: bool
    created_at: datetime


class UserCreated(UserPublic):
    generated_password: str | None = None


class PasswordReset(BaseModel):
    password: str | None = Field(default=None, max_length=1024)


class PasswordResetOut(BaseModel):
    generated_password: str | None = None


def public(user: User) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


@router.get("", response_model=list[UserPublic])
def list_users(db: DbDep, _: AdminDep) -> list[UserPublic]:
    return [public(u) for u in users.list_users(db)]


@router.post("", response_model=UserCreated, status_code=201)
def create_user(body: UserCreate, db: DbDep, principal: AdminDep) -> UserCreated:
    generated = None if body.password else auth.generate_password()
    user = users.create_user(
        db,
        body.username,
        body.password or generated or "",
        is_admin=body.is_admin,
        actor_id=principal.actor_id,
    )
    return UserCreated(**public(user).model_dump(), generated_password=generated)


@router.get("/{user_id}", response_model=UserPublic)
def get_user(user_id: int, db: DbDep, _: AdminDep) -> UserPublic:
    return public(users.get_user(db, user_id))


@router.patch("/{user_id}", response_model=UserPublic)
def update_user(user_id: int, body: UserUpdate, db: DbDep, principal: AdminDep) -> UserPublic:
    user = users.get_user(db, user_id)
    users.update_user(
        db, user, is_admin=body.is_admin, is_active=body.is_active, actor_id=principal.actor_id
    )
    return public(user)


@router.post("/{user_id}/password", response_model=PasswordResetOut)
def reset_password(
    user_id: int, body: PasswordReset, db: DbDep, principal: AdminDep
) -> PasswordResetOut:
    user = users.get_user(db, user_id)
    generated = None if body.password else auth.generate_password()
    users.set_password(db, user, body.password or generated or "", actor_id=principal.actor_id)
    return PasswordResetOut(generated_password=generated)


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(user_id: int, db: DbDep, principal: AdminDep) -> None:
    users.delete_user(db, users.get_user(db, user_id), actor_id=principal.actor_id)
