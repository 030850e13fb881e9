"""`audino user`: create users, set passwords, list them."""

from __future__ import annotations

from typing import Annotated

import typer

from audino.cli.common import DataDir, fail, load_settings, open_database, read_password

app = typer.Typer(help="Manage users.", no_args_is_help=True)


@app.command("add")
def user_add(
    name: str,
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an administrator.")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Create a user."""
    from audino.services import users
    from audino.services.errors import AudinoError

    database = open_database(load_settings(data_dir))
    password = read_password(password_stdin)
    try:
        with database.session() as db:
            user = users.create_user(db, name, password, is_admin=admin)
            typer.echo(
                f"Created user {user.username!r} (id {user.id})"
                + (" as administrator." if admin else ".")
            )
    except AudinoError as exc:
        fail(exc.detail)


@app.command("passwd")
def user_passwd(
    name: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Set a user's password (logs them out everywhere)."""
    from audino.services import users
    from audino.services.errors import AudinoError

    database = open_database(load_settings(data_dir))
    password = read_password(password_stdin, "New password")
    try:
        with database.session() as db:
            user = users.find_by_username(db, name)
            if user is None:
                fail(f"No user named {name!r}.")
                return
            users.set_password(db, user, password)
            typer.echo(f"Password of {name!r} changed.")
    except AudinoError as exc:
        fail(exc.detail)


@app.command("list")
def user_list(data_dir: DataDir = None) -> None:
    """List users."""
    from audino.services import users

    database = open_database(load_settings(data_dir))
    with database.session(write=False) as db:
        for u in users.list_users(db):
            flags = ", ".join(
                f for f, on in (("admin", u.is_admin), ("inactive", not u.is_active)) if on
            )
            typer.echo(f"{u.id}\t{u.username}" + (f"\t({flags})" if flags else ""))
