"""POST /api/projects/{id}/imports: a job that imports from the server's import roots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FORMATS, AppEnv, Factory
from tests.s3server import Bucket, tone_wav


@pytest.fixture
def roots(app_env: AppEnv, tmp_path: Path) -> Path:
    root = tmp_path / "incoming"
    (root / "calls").mkdir(parents=True)
    for i in range(5):
        (root / "calls" / f"clip_{i}.wav").write_bytes(tone_wav(i))
    (root / "calls" / "bad_empty.wav").write_bytes((FORMATS / "bad_empty.wav").read_bytes())
    app_env.settings.import_roots = f"{root}, s3://allowed-bucket/in"
    return root


def start(client: TestClient, pid: int, **body: object) -> dict:
    r = client.post(f"/api/projects/{pid}/imports", json=body)
    assert r.status_code == 202, r.text
    return r.json()  # type: ignore[no-any-return]


def test_import_job_reports_progress_and_summary(
    app_env: AppEnv, factory: Factory, admin: TestClient, roots: Path
) -> None:
    factory.user("ann")
    factory.user("bob")
    pid = factory.project("Jobbed", ann="annotator", bob="annotator")["id"]
    job = start(admin, pid, source=str(roots / "calls"), assign=["ann", "bob"], overlap=0.4)
    assert job["kind"] == "import"
    done = admin.get(f"/api/jobs/{job['id']}").json()
    assert done["status"] == "done", done
    assert done["progress"] == 1.0
    result = done["result"]
    assert (result["found"], result["imported"], result["failed"]) == (6, 5, 1)
    assert result["failures"][0]["file"] == "bad_empty.wav"
    assert "empty" in result["failures"][0]["reason"]
    listed = admin.get("/api/jobs", params={"project_id": pid, "kind": "import"}).json()
    assert [j["id"] for j in listed] == [job["id"]]
    items = admin.get(f"/api/projects/{pid}/datapoints").json()["items"]
    assert len(items) == 5
    assert sum(len(dp["assignments"]) for dp in items) == 7  # 2 of 5 given twice

    # The same import again (a re-run) changes nothing: everything is already there.
    second = start(admin, pid, source=str(roots / "calls"), assign=["ann", "bob"], overlap=0.4)
    rerun = admin.get(f"/api/jobs/{second['id']}").json()
    assert rerun["status"] == "done"
    assert (rerun["result"]["imported"], rerun["result"]["skipped"]) == (0, 5)
    items = admin.get(f"/api/projects/{pid}/datapoints").json()["items"]
    assert len(items) == 5
    assert sum(len(dp["assignments"]) for dp in items) == 7


def test_only_managers_start_imports(
    app_env: AppEnv, factory: Factory, as_user: object, roots: Path
) -> None:
    factory.user("ann")
    pid = factory.project("Mine", ann="annotator")["id"]
    ann = app_env.login("ann")
    r = ann.post(f"/api/projects/{pid}/imports", json={"source": str(roots / "calls")})
    assert r.status_code == 403
    anonymous = app_env.client()
    r = anonymous.post(f"/api/projects/{pid}/imports", json={"source": str(roots / "calls")})
    assert r.status_code == 401


@pytest.mark.parametrize(
    ("source", "status", "code"),
    [
        ("/etc", 403, "outside_import_roots"),
        ("{root}/../../etc", 400, "bad_source"),
        ("{root}/calls/../../x", 400, "bad_source"),
        ("calls", 400, "bad_source"),
        ("{root}-sibling", 403, "outside_import_roots"),
        ("{root}/link_out", 403, "outside_import_roots"),
        ("s3://other-bucket/in", 403, "outside_import_roots"),
        ("s3://allowed-bucket/inside-not", 403, "outside_import_roots"),
        ("file:///etc/passwd", 403, "outside_import_roots"),
        ("http://169.254.169.254/latest", 403, "outside_import_roots"),
        ("{root}/calls::s3://allowed-bucket/in", 400, "bad_source"),
        ("simplecache::s3://allowed-bucket/in", 400, "bad_source"),
        ("{root}/calls\x00", 400, "bad_source"),
    ],
)
def test_sources_outside_the_roots_are_refused(
    app_env: AppEnv,
    factory: Factory,
    admin: TestClient,
    roots: Path,
    tmp_path: Path,
    source: str,
    status: int,
    code: str,
) -> None:
    (tmp_path / "incoming-sibling").mkdir()
    os.symlink(tmp_path, roots / "link_out")
    pid = factory.project("Safe")["id"]
    r = admin.post(f"/api/projects/{pid}/imports", json={"source": source.format(root=roots)})
    assert (r.status_code, r.json().get("code")) == (status, code), r.text


def test_symlinked_files_leading_out_are_refused(
    app_env: AppEnv, factory: Factory, admin: TestClient, roots: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.wav"
    secret.write_bytes(tone_wav(99))
    os.symlink(secret, roots / "calls" / "sneaky.wav")
    pid = factory.project("Links")["id"]
    job = start(admin, pid, source=str(roots / "calls"))
    result = admin.get(f"/api/jobs/{job['id']}").json()["result"]
    assert {"file": "sneaky.wav", "reason": "outside the import roots"} in result["failures"]
    assert result["imported"] == 5


def test_imports_are_off_without_roots(
    app_env: AppEnv, factory: Factory, admin: TestClient, tmp_path: Path
) -> None:
    pid = factory.project("Off")["id"]
    r = admin.post(f"/api/projects/{pid}/imports", json={"source": str(tmp_path)})
    assert (r.status_code, r.json()["code"]) == (403, "imports_disabled")


def test_job_fails_when_nothing_can_be_imported(
    app_env: AppEnv, factory: Factory, admin: TestClient, roots: Path
) -> None:
    (roots / "empty").mkdir()
    pid = factory.project("Nothing")["id"]
    job = start(admin, pid, source=str(roots / "empty"))
    failed = admin.get(f"/api/jobs/{job['id']}").json()
    assert failed["status"] == "failed"
    assert "No audio files found" in failed["error"]


def test_bad_assignment_is_refused_before_queuing(
    app_env: AppEnv, factory: Factory, admin: TestClient, roots: Path
) -> None:
    factory.user("ann")
    pid = factory.project("Bad", ann="annotator")["id"]
    r = admin.post(
        f"/api/projects/{pid}/imports",
        json={"source": str(roots / "calls"), "assign": ["ann"], "overlap": 0.5},
    )
    assert (r.status_code, r.json()["code"]) == (400, "bad_overlap")
    r = admin.post(
        f"/api/projects/{pid}/imports", json={"source": str(roots / "calls"), "assign": ["zed"]}
    )
    assert r.status_code == 400
    assert admin.get("/api/jobs", params={"project_id": pid}).json() == []


def test_import_job_from_bucket(
    app_env: AppEnv, factory: Factory, admin: TestClient, bucket: Bucket
) -> None:
    for i in range(3):
        bucket.put(f"in/clip_{i}.wav", tone_wav(i))
    app_env.settings.import_roots = bucket.url("in")
    pid = factory.project("FromBucket")["id"]
    job = start(admin, pid, source=bucket.url("in"))
    done = admin.get(f"/api/jobs/{job['id']}").json()
    assert done["status"] == "done", done
    assert done["result"]["imported"] == 3


def test_an_import_job_learns_folder_labels_and_metadata(
    app_env: AppEnv, factory: Factory, admin: TestClient, roots: Path, tmp_path: Path
) -> None:
    factory.user("ann")
    pid = factory.project("Keywords", ann="annotator")["id"]
    words = roots / "words"
    for i, name in enumerate(("yes/a.wav", "yes/b.wav", "no/c.wav")):
        (words / name).parent.mkdir(parents=True, exist_ok=True)
        (words / name).write_bytes(tone_wav(30 + i))
    (words / "metadata.csv").write_text("file_name,speaker\nyes/a.wav,s1\nno/c.wav,s2\n")
    # A table linked from outside the roots is never read.
    secret = tmp_path / "secret.jsonl"
    secret.write_text('{"file_name": "yes/b.wav", "password": "hunter2"}\n')
    (words / "yes" / "metadata.jsonl").symlink_to(secret)
    # label_author without folder_label, or a stranger as author: 400 before queuing.
    bad = admin.post(
        f"/api/projects/{pid}/imports", json={"source": str(words), "label_author": "ann"}
    )
    assert bad.status_code == 400 and "folder_label" in bad.json()["detail"]
    bad = admin.post(
        f"/api/projects/{pid}/imports",
        json={"source": str(words), "folder_label": "keyword", "label_author": "zed"},
    )
    assert bad.status_code in (400, 404) and "zed" in bad.json()["detail"]
    job = start(admin, pid, source=str(words), folder_label="keyword", label_author="ann")
    done = admin.get(f"/api/jobs/{job['id']}").json()
    assert done["status"] == "done", done
    assert any("“keyword”" in line for line in done["result"]["layout"])
    labels = {label["name"]: label for label in admin.get(f"/api/projects/{pid}/labels").json()}
    keyword = labels["keyword"]
    assert keyword["scope"] == "datapoint" and [v["value"] for v in keyword["values"]] == [
        "no",
        "yes",
    ]
    value_of = {v["id"]: v["value"] for v in keyword["values"]}
    items = admin.get(f"/api/projects/{pid}/datapoints").json()["items"]
    by_name = {dp["original_name"]: dp for dp in items}
    assert set(by_name) == {"a.wav", "b.wav", "c.wav"}
    for name, speaker in (("a.wav", "s1"), ("b.wav", None), ("c.wav", "s2")):
        dp = admin.get(f"/api/datapoints/{by_name[name]['id']}").json()
        assert dp["metadata"].get("speaker") == speaker
        assert "password" not in dp["metadata"]
    ann = app_env.login("ann")
    for name, word in (("a.wav", "yes"), ("b.wav", "yes"), ("c.wav", "no")):
        mine = ann.get(f"/api/datapoints/{by_name[name]['id']}/values").json()
        assert {value_of[v] for v in mine["values"].values()} == {word}
