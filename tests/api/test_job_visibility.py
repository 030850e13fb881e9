"""Jobs are listed by the same rule as they are read (issue 11, item 5): an annotator sees
the ingest jobs of the items assigned to them, never other items' jobs nor the project's
exports and imports (file names, sizes, download links, server paths)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import FORMATS, AppEnv, Factory

FILES = {"mine.wav": "pcm16_mono_16k.wav", "other.wav": "pcm24_mono_48k.wav"}
FILES |= {"a.wav": "pcm16_mono_16k.wav", "b.wav": "pcm24_mono_48k.wav"}


def _upload(client: TestClient, pid: int, name: str) -> dict[str, Any]:
    r = client.post(
        f"/api/projects/{pid}/datapoints",
        files={"file": (name, (FORMATS / FILES[name]).read_bytes())},
    )
    assert r.status_code == 201, r.text
    return r.json()["datapoint"]  # type: ignore[no-any-return]


def _listed(client: TestClient, **params: Any) -> set[int]:
    r = client.get("/api/jobs", params=params)
    assert r.status_code == 200, r.text
    return {job["id"] for job in r.json()}


def test_jobs_list_and_read_follow_one_rule(app_env: AppEnv, factory: Factory) -> None:
    for name in ("mo", "rita", "ann", "bob"):
        factory.user(name)
    project = factory.project("Visible", mo="manager", rita="reviewer", ann="annotator")
    factory.member(project["id"], "bob", "annotator")
    pid = project["id"]
    mo = app_env.login("mo")
    mine = _upload(mo, pid, "mine.wav")
    other = _upload(mo, pid, "other.wav")
    r = mo.post(
        f"/api/projects/{pid}/assignments",
        json={"users": ["ann"], "datapoint_ids": [mine["id"]]},
    )
    assert r.status_code == 200, r.text
    export = mo.post(f"/api/projects/{pid}/exports", json={"format": "audino"})
    assert export.status_code == 202, export.text
    export_id = export.json()["id"]
    ingest_mine, ingest_other = mine["ingest_job_id"], other["ingest_job_id"]
    everything = {ingest_mine, ingest_other, export_id}

    ann, bob, rita = (app_env.login(u) for u in ("ann", "bob", "rita"))
    expected = {
        "mo": (mo, everything),
        "rita": (rita, {ingest_mine, ingest_other}),  # every item's, not the exports
        "ann": (ann, {ingest_mine}),
        "bob": (bob, set()),
        "admin": (factory.admin, everything),
    }
    for who, (client, sees) in expected.items():
        assert _listed(client, project_id=pid) == sees, who
        assert _listed(client) == sees, who
        for job_id in everything:
            status = client.get(f"/api/jobs/{job_id}").status_code
            # One rule: listed exactly when it can be read; the rest is not found.
            assert status == (200 if job_id in sees else 404), (who, job_id, status)

    # Filtering by a datapoint the annotator may not see is refused, not an empty leak.
    assert ann.get("/api/jobs", params={"datapoint_id": other["id"]}).status_code in (403, 404)
    assert _listed(ann, datapoint_id=mine["id"]) == {ingest_mine}
    # Nothing of the export (its file name, size, link) reaches the annotator.
    body = ann.get("/api/jobs", params={"project_id": pid}).text
    assert "download_url" not in body and "export" not in body
    # Reviewers read but do not retry; managers retry (the rule with need=manage).
    assert rita.post(f"/api/jobs/{ingest_other}/retry").status_code == 403
    assert ann.post(f"/api/jobs/{ingest_mine}/retry").status_code == 403
    assert bob.post(f"/api/jobs/{ingest_mine}/retry").status_code == 404


def test_project_key_sees_its_project_jobs_only(app_env: AppEnv, factory: Factory) -> None:
    first = factory.project("First")
    second = factory.project("Second")
    key = app_env.bearer(factory.api_key(first["id"], "manage"))
    a = _upload(key, first["id"], "a.wav")
    b = _upload(factory.admin, second["id"], "b.wav")
    assert _listed(key) == {a["ingest_job_id"]}
    assert key.get(f"/api/jobs/{b['ingest_job_id']}").status_code == 404
