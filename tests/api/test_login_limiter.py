"""The failed-login limiter: per account and address, backoff, Retry-After, proxies, shared
counts. The limiter's clock is a fake one that tests move by hand; nothing sleeps."""

from __future__ import annotations

import ipaddress
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select

from audino.api.app import create_app
from audino.api.routes.auth import client_address
from audino.config import Settings
from audino.db.engine import Database
from audino.db.models import LoginFailure
from audino.services import auth
from tests.conftest import ADMIN_PASSWORD, AppEnv

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
PROXY = "10.0.0.5"
LOCKED = "Too many failed logins from this address for this account. Try again in {} seconds."


class Clock:
    """The limiter's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(app_env: AppEnv) -> Clock:
    clock = Clock()
    app_env.app.state.login_limiter.now = clock
    return clock


def client_at(env: AppEnv, host: str, app: Any = None) -> TestClient:
    """A client whose requests come from `host` (the direct peer)."""
    client = TestClient(app or env.app, raise_server_exceptions=False, client=(host, 50000))
    env.clients.append(client)
    return client


def login(
    client: TestClient,
    username: str = "admin",
    password: str = ADMIN_PASSWORD,
    forwarded_for: str | None = None,
) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    body = {"username": username, "password": password}
    return client.post("/api/auth/login", json=body, headers=headers)


def fail(client: TestClient, times: int, username: str = "admin", **kw: Any) -> None:
    for _ in range(times):
        r = login(client, username, "wrong-password", **kw)
        assert r.status_code == 401, r.text


def test_rightful_user_logs_in_from_another_address_while_the_attacker_is_locked(
    app_env: AppEnv, clock: Clock
) -> None:
    attacker = client_at(app_env, ATTACKER)
    fail(attacker, app_env.settings.login_max_failures)
    assert login(attacker).status_code == 429  # even the right password, from there
    assert login(client_at(app_env, OWNER)).status_code == 200
    # The owner's success clears the owner's pair, not the attacker's.
    assert login(attacker).status_code == 429


def test_a_success_clears_its_pair(app_env: AppEnv, clock: Clock) -> None:
    client = client_at(app_env, OWNER)
    fail(client, 4)
    assert login(client).status_code == 200
    fail(client, 5)  # five more before a lock, not one
    assert login(client).status_code == 429


def test_unknown_usernames_are_throttled_exactly_like_real_ones(
    app_env: AppEnv, clock: Clock
) -> None:
    def answers(username: str, host: str) -> list[tuple[int, Any, str | None]]:
        client = client_at(app_env, host)
        seen = []
        for _ in range(7):
            r = login(client, username, "wrong-password")
            seen.append((r.status_code, r.json(), r.headers.get("Retry-After")))
        return seen

    real = answers("admin", ATTACKER)
    assert [status for status, _, _ in real] == [401] * 5 + [429] * 2
    assert answers("nobody-by-this-name", OWNER) == real


def test_locked_answer_says_how_long_in_retry_after(app_env: AppEnv, clock: Clock) -> None:
    client = client_at(app_env, ATTACKER)
    fail(client, 5)
    r = login(client)
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "30"
    assert r.json() == {
        "detail": LOCKED.format(30),
        "code": "login_rate_limited",
        "retry_after": 30,
    }
    clock.advance(29.5)
    r = login(client)
    assert r.headers["Retry-After"] == "1"
    assert r.json()["detail"].endswith("Try again in 1 second.")
    clock.advance(0.5)
    assert login(client).status_code == 200


def test_backoff_doubles_with_each_further_failure_up_to_the_cap(
    app_env: AppEnv, clock: Clock
) -> None:
    client = client_at(app_env, ATTACKER)
    fail(client, 5)
    waits = []
    for _ in range(7):
        r = login(client)
        assert r.status_code == 429
        waits.append(int(r.headers["Retry-After"]))
        clock.advance(waits[-1])
        fail(client, 1)  # one guess per lock, and the next lock is longer
    assert waits == [30, 60, 120, 240, 480, 900, 900]
    clock.advance(900)
    assert login(client).status_code == 200


def test_count_is_forgotten_after_a_quiet_window(app_env: AppEnv, clock: Clock) -> None:
    client = client_at(app_env, ATTACKER)
    fail(client, 4)
    clock.advance(app_env.settings.login_window_seconds)
    fail(client, 4)  # a count of 8 would have locked at the fifth
    assert login(client).status_code == 200


def test_one_address_is_limited_more_loosely_across_accounts(app_env: AppEnv, clock: Clock) -> None:
    sprayer = client_at(app_env, ATTACKER)
    allowed = app_env.settings.login_max_failures * 10
    for i in range(allowed):
        fail(sprayer, 1, username=f"user{i % 20}")  # no account reaches its own limit
    r = login(sprayer)
    assert r.status_code == 429 and r.headers["Retry-After"] == "30"
    assert (
        r.json()["detail"] == "Too many failed logins from this address. Try again in 30 seconds."
    )
    assert login(client_at(app_env, OWNER)).status_code == 200
    assert login(sprayer).status_code == 429  # the owner's success elsewhere changes nothing


def test_forwarded_for_is_ignored_from_an_untrusted_peer(app_env: AppEnv, clock: Clock) -> None:
    attacker = client_at(app_env, ATTACKER)
    for i in range(5):
        fail(attacker, 1, forwarded_for=f"192.0.2.{i}")  # a new made-up address each time
    assert login(attacker, forwarded_for="192.0.2.200").status_code == 429


def test_forwarded_for_is_believed_from_a_trusted_proxy(app_env: AppEnv, clock: Clock) -> None:
    app_env.settings.trusted_proxies = "10.0.0.0/8"
    proxy = client_at(app_env, PROXY)
    fail(proxy, 5, forwarded_for=ATTACKER)
    assert login(proxy, forwarded_for=ATTACKER).status_code == 429
    # What the client wrote itself (left of the right-most untrusted hop) changes nothing,
    # and hops through further trusted proxies are looked through.
    assert login(proxy, forwarded_for=f"192.0.2.1, {ATTACKER}").status_code == 429
    assert login(proxy, forwarded_for=f"{ATTACKER}, 10.0.0.7").status_code == 429
    # Another client behind the same proxy is not the attacker.
    assert login(proxy, forwarded_for=OWNER).status_code == 200


def test_clients_behind_one_trusted_proxy_do_not_share_the_address_limit(
    app_env: AppEnv, clock: Clock
) -> None:
    app_env.settings.trusted_proxies = f"{PROXY}, 10.1.0.0/16"
    proxy = client_at(app_env, PROXY)
    for i in range(app_env.settings.login_max_failures * 10):
        fail(proxy, 1, username=f"user{i % 20}", forwarded_for=ATTACKER)
    assert login(proxy, forwarded_for=ATTACKER).status_code == 429
    assert login(proxy, forwarded_for=OWNER).status_code == 200


def test_ipv6_clients_count_per_64_block(app_env: AppEnv, clock: Clock) -> None:
    for i in range(5):
        fail(client_at(app_env, f"2001:db8:1:2::{i + 1}"), 1)
    assert login(client_at(app_env, "2001:db8:1:2:ffff::99")).status_code == 429
    assert login(client_at(app_env, "2001:db8:1:3::1")).status_code == 200


def test_counts_are_shared_by_two_apps_on_one_database(app_env: AppEnv, clock: Clock) -> None:
    """Two server processes: their own engine, their own limiter, one database."""
    url = app_env.database.engine.url.render_as_string(hide_password=False)
    other_db = Database(app_env.settings, url)
    try:
        other_app = create_app(app_env.settings, other_db)
        other_app.state.login_limiter.now = clock
        one, two = client_at(app_env, ATTACKER), client_at(app_env, ATTACKER, other_app)
        fail(one, 3)
        fail(two, 2)
        assert login(one).status_code == 429
        assert login(two).status_code == 429
        assert login(client_at(app_env, OWNER, other_app)).status_code == 200
    finally:
        other_db.dispose()


def test_concurrent_guesses_cannot_slip_past_the_count(
    app_env: AppEnv, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a pair has a count, its logins take turns: of eight guesses sent at once when one
    failure is left, one is checked and seven are refused."""
    fail(client_at(app_env, ATTACKER), 4)
    # Guesses wait inside the password check until all eight are there (or half a second
    # has passed): without turns, every one of them would be checked.
    arrived = 0
    gate = threading.Condition()
    verify = auth.verify_password

    def gated_verify(password_hash: str, password: str) -> bool:
        nonlocal arrived
        with gate:
            arrived += 1
            gate.notify_all()
            gate.wait_for(lambda: arrived == 8, timeout=0.5)
        return verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", gated_verify)
    clients = [client_at(app_env, ATTACKER) for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda c: login(c, password="wrong-password"), clients))
    assert sorted(r.status_code for r in answers) == [401] + [429] * 7


def test_expired_counts_are_pruned(app_env: AppEnv, clock: Clock) -> None:
    fail(client_at(app_env, ATTACKER), 1, username="ghost")
    clock.advance(app_env.settings.login_window_seconds)
    fail(client_at(app_env, OWNER), 1, username="someone")
    with app_env.database.session(write=False) as db:
        rows = db.scalar(select(func.count()).select_from(LoginFailure))
    assert rows == 2  # the owner's pair and address; the ghost's are gone


NETS = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        (ATTACKER, ["192.0.2.1"], ATTACKER),  # not a proxy: the header is the client's own
        (PROXY, [], PROXY),
        (PROXY, [f"192.0.2.1, {ATTACKER}, 10.0.0.7"], ATTACKER),
        (PROXY, [ATTACKER, "10.0.0.7"], ATTACKER),  # several header lines, in order
        (PROXY, ["10.0.0.9, 10.0.0.7"], "10.0.0.9"),  # only proxies: the farthest
        (PROXY, [f"{ATTACKER}, , "], ATTACKER),
        (PROXY, ["[2001:db8::1]:443"], "2001:db8::1"),
        (PROXY, [f"{ATTACKER}:5555"], ATTACKER),
        ("::ffff:10.0.0.5", [ATTACKER], ATTACKER),
        ("::1", ["2001:DB8:0::1"], "2001:db8::1"),
        ("testclient", [ATTACKER], "testclient"),
        (None, [ATTACKER], "unknown"),
    ],
)
def test_client_address(peer: str | None, forwarded: list[str], client: str) -> None:
    assert client_address(peer, forwarded, NETS) == client


def test_trusted_proxies_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().resolved_trusted_proxies == []
    monkeypatch.setenv("AUDINO_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,fd00::/8")
    assert [str(n) for n in Settings().resolved_trusted_proxies] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "fd00::/8",
    ]
    monkeypatch.setenv("AUDINO_TRUSTED_PROXIES", "nginx")
    with pytest.raises(ValidationError, match="'nginx' is not an IP address or network"):
        Settings()
