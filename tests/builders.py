"""Test data written straight to the database: datapoints (with a stored blob), assignments
and segments, without going through the upload or segment endpoints."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from audino.db.engine import Database
from audino.db.models import Assignment, Datapoint, Label, Membership, Project, Segment, User
from audino.services import auth
from audino.storage.blobs import BlobStore
from tests.conftest import SPEECH

T0 = datetime(2024, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


def speech_manifest() -> list[dict[str, Any]]:
    """The shared multilingual speech fixtures: file, duration and timed transcripts."""
    lines = (SPEECH / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def user(database: Database, username: str, *, active: bool = True) -> int:
    with database.session() as db:
        found = db.scalar(select(User.id).where(User.username == username))
        if found is not None:
            return int(found)
        row = User(
            username=username, password_hash=auth.hash_password("user-password-1"),
            is_active=active,
        )  # fmt: skip
        db.add(row)
        db.flush()
        return row.id


def member(database: Database, project_id: int, user_id: int, role: str) -> None:
    with database.session() as db:
        db.add(Membership(project_id=project_id, user_id=user_id, role=role))


def project(database: Database, name: str, **fields: Any) -> int:
    with database.session() as db:
        row = Project(name=name, **fields)
        db.add(row)
        db.flush()
        return row.id


def store_blob(storage: BlobStore, content: bytes, suffix: str = ".wav") -> tuple[str, str]:
    """Puts `content` in storage; returns (storage key, sha256)."""
    sha = hashlib.sha256(content).hexdigest()
    key = storage.key_for(sha, suffix)
    path = storage.local_path(key)
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return key, sha


def datapoint(
    database: Database,
    storage: BlobStore | None,
    project_id: int,
    name: str,
    *,
    content: bytes | None = None,
    **fields: Any,
) -> int:
    """A datapoint row; with `storage`, its audio bytes are stored (fake audio is fine)."""
    content = content if content is not None else f"audio of {name} {uuid.uuid4()}".encode()
    if storage is not None:
        key, sha = store_blob(storage, content)
    else:
        sha = hashlib.sha256(content).hexdigest()
        key = f"{sha[:2]}/{sha[2:40]}.wav"
    row = {
        "project_id": project_id, "storage_key": key, "original_name": name,
        "duration": 10.0, "sample_rate": 16000, "channels": 1, "codec": "pcm_s16le",
        "container": "wav", "size": len(content), "sha256": sha, "created_at": T0,
        "updated_at": T0,
    }  # fmt: skip
    row.update(fields)
    with database.session() as db:
        table = Datapoint.__table__
        return int(db.execute(insert(table).values(row).returning(table.c.id)).scalar_one())


def assignment(database: Database, datapoint_id: int, user_id: int, **fields: Any) -> None:
    row = {"datapoint_id": datapoint_id, "user_id": user_id, "created_at": T0, "updated_at": T0}
    row.update(fields)
    with database.session() as db:
        db.execute(insert(Assignment.__table__), [row])


def segments(
    database: Database, datapoint_id: int, author_id: int | None, specs: list[dict[str, Any]]
) -> list[str]:
    """Segment rows; each spec needs start and end, anything else overrides defaults."""
    rows = []
    for i, spec in enumerate(specs):
        made = T0 + timedelta(seconds=i, microseconds=i * 7)
        row = {
            "id": str(uuid.uuid4()), "datapoint_id": datapoint_id, "author_id": author_id,
            "created_at": made, "updated_at": made + timedelta(minutes=1),
        }  # fmt: skip
        row.update(spec)
        rows.append(row)
    with database.session() as db:
        db.execute(insert(Segment.__table__), rows)
    return [r["id"] for r in rows]


def label_ids(database: Database, project_id: int) -> dict[str, tuple[int, dict[str, int]]]:
    """label name -> (label id, value text -> value id)."""
    with database.session(write=False) as db:
        labels = db.scalars(select(Label).where(Label.project_id == project_id))
        return {lb.name: (lb.id, {v.value: v.id for v in lb.values}) for lb in labels}


@dataclass
class RichProject:
    """A project exercising every field an export carries."""

    id: int
    name: str
    users: dict[str, int] = field(default_factory=dict)
    datapoints: list[int] = field(default_factory=list)
    transcripts: list[str] = field(default_factory=list)


def rich_project(database: Database, storage: BlobStore, factory: Any, name: str) -> RichProject:
    """Labels of every kind and scope, three users with roles, unicode transcripts from the
    speech fixtures, assignments in each state, human and model segments."""
    project_json = factory.project(name)
    pid = project_json["id"]
    factory.admin.patch(
        f"/api/projects/{pid}",
        json={"description": "Fixture ✓ проект", "settings": {"overlap": 2, "vad": {"on": True}}},
    )
    factory.label(pid, "speaker", "single", values=[{"value": "A", "color": "#ff0000",
                  "hotkey": "a"}, {"value": "B"}])  # fmt: skip
    factory.label(pid, "tags", "multi", values=[{"value": "noise"}, {"value": "music"},
                  {"value": "laughter 😀"}])  # fmt: skip
    factory.label(pid, "note", "text")
    factory.label(pid, "score", "number")
    factory.label(pid, "overlap", "boolean", required=True)
    factory.label(pid, "quality", "single", scope="datapoint", values=[{"value": "good"},
                  {"value": "bad"}])  # fmt: skip
    ids = label_ids(database, pid)
    rich = RichProject(pid, project_json["name"])
    for username, role in (("alice", "annotator"), ("bob", "reviewer"), ("carol", "manager")):
        rich.users[username] = user(database, username)
        member(database, pid, rich.users[username], role)
    rich.users["dave"] = user(database, "dave")  # not a member, but authored a segment

    def values(**chosen: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for label, value in chosen.items():
            label_id, value_ids = ids[label]
            if isinstance(value, list):
                out[str(label_id)] = [value_ids[v] for v in value]
            elif isinstance(value, str) and value_ids:
                out[str(label_id)] = value_ids[value]
            else:
                out[str(label_id)] = value
        return out

    manifest = [m for m in speech_manifest() if m["file"][:2] in ("hi", "ar", "zh", "en")]
    for i, entry in enumerate(manifest):
        text = " ".join(s["text"] for s in entry["segments"])
        rich.transcripts.append(text)
        dp = datapoint(
            database, storage, pid, entry["file"], duration=entry["duration"],
            reference_transcript=text, metadata={"voice": entry["voice"], "emoji": "🎙️"},
            status=["todo", "in_progress", "done", "done"][i % 4],
            marked_for_review=i == 1, created_at=T0 + timedelta(hours=i),
        )  # fmt: skip
        rich.datapoints.append(dp)
        assignment(database, dp, rich.users["alice"], status="done" if i % 2 else "in_progress",
                   values=values(quality="good"), version=3,
                   completed_at=T0 + timedelta(days=1) if i % 2 else None)  # fmt: skip
        if i % 2:
            assignment(database, dp, rich.users["bob"], marked_for_review=True)
        segments(database, dp, rich.users["alice"], [
            {"start": s["start"], "end": s["end"], "transcript": s["text"],
             "values": values(speaker="A", tags=["noise", "laughter 😀"], note="ok ✓",
                              score=0.25, overlap=False),
             "attributes": {"gender": "f", "emoji": "👍"}, "version": 2}
            for s in entry["segments"]
        ])  # fmt: skip
        segments(database, dp, rich.users["bob"], [
            {"start": 0.5, "end": 1.25, "channel": 0, "low_hz": 100.0, "high_hz": 3999.5,
             "transcript": "", "values": values(speaker="B", overlap=True)},
        ])  # fmt: skip
        segments(database, dp, None, [
            {"start": 0.0, "end": entry["duration"], "source": "model", "model": "silero-vad",
             "model_version": "5.1", "confidence": 0.875},
        ])  # fmt: skip
    segments(database, rich.datapoints[0], rich.users["dave"], [{"start": 2.0, "end": 2.5}])
    # A datapoint nobody is assigned to.
    rich.datapoints.append(datapoint(database, storage, pid, "silence.wav", duration=3.0))
    return rich
