"""Project templates: built-ins make ready projects, save-as-template, file round trip,
refusals in words with nothing saved, and who may do what."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from audino.quality.validation import parse_rules
from audino.templates import BUILTINS
from tests.api.test_datapoints import upload
from tests.conftest import AppEnv, Factory

BUILTIN_KEYS = [str(doc["key"]) for doc in BUILTINS]


def _setup(labels: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            x["name"],
            x["kind"],
            x["scope"],
            x["required"],
            x["color"],
            x["hotkey"],
            [(v["value"], v["color"], v["hotkey"]) for v in x["values"]],
        )
        for x in labels
    ]


def _templates(client: TestClient) -> list[dict[str, Any]]:
    r = client.get("/api/templates")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_builtins_are_listed_with_their_setup(admin: TestClient) -> None:
    listed = _templates(admin)
    assert [t["id"] for t in listed] == BUILTIN_KEYS
    names = {t["name"] for t in listed}
    assert {"Transcription", "Keyword spotting", "Bioacoustic calls"} <= names
    for t in listed:
        assert t["builtin"] is True and t["summary"] and t["labels"] and t["exports"]
        assert t["guidelines"].startswith("# ")
        quick = t["settings"].get("quick")
        if quick is not None:  # a quick mode only where one label is the whole task
            assert quick["mode"] in ("binary", "choice", "transcript")
            label = next(x for x in t["labels"] if x["name"] == quick["label"])
            assert label["scope"] == "datapoint"
        parse_rules(t["settings"].get("validation", {}).get("rules"))
    kws = next(t for t in listed if t["id"] == "keyword-spotting")
    assert kws["labels"][0]["scope"] == "datapoint"
    modes = {t["id"]: t["settings"].get("quick", {}).get("mode") for t in listed}
    assert modes["clip-check"] == "binary" and modes["keyword-spotting"] == "choice"
    bio = next(t for t in listed if t["id"] == "bioacoustic-calls")
    assert bio["settings"]["spectrogram_boxes"] is True


@pytest.mark.parametrize("key", BUILTIN_KEYS)
def test_every_builtin_makes_its_project(admin: TestClient, key: str) -> None:
    template = admin.get(f"/api/templates/{key}").json()
    r = admin.post("/api/projects", json={"name": f"From {key}", "template": key})
    assert r.status_code == 201, r.text
    project = r.json()
    labels = admin.get(f"/api/projects/{project['id']}/labels").json()
    assert _setup(labels) == _setup(template["labels"])
    assert any(v["color"] and v["hotkey"] for x in labels for v in x["values"]) or key in (
        "voice-activity",
    )
    settings = project["settings"]
    assert settings["guidelines"] == template["guidelines"]
    assert settings.get("quick") == template["settings"].get("quick")
    assert settings.get("validation") == template["settings"].get("validation")
    parse_rules(settings.get("validation", {}).get("rules"))
    assert project["description"] == template["description"]


def test_settings_given_win_and_project_stays_editable(admin: TestClient) -> None:
    body = {
        "name": "Mine",
        "template": "keyword-spotting",
        "description": "My own words",
        "settings": {"keymap": {"play_pause": "k"}},
    }
    project = admin.post("/api/projects", json=body).json()
    assert project["description"] == "My own words"
    assert project["settings"]["keymap"] == {"play_pause": "k"}
    assert project["settings"]["quick"] == {"mode": "choice", "label": "word"}
    pid = project["id"]
    r = admin.patch(f"/api/projects/{pid}", json={"settings": {"guidelines": "new"}})
    assert r.status_code == 200 and r.json()["settings"] == {"guidelines": "new"}
    label = admin.get(f"/api/projects/{pid}/labels").json()[0]
    r = admin.patch(f"/api/projects/{pid}/labels/{label['id']}", json={"color": "#000000"})
    assert r.status_code == 200, r.text


def test_save_as_template_then_new_project_reproduces_setup(
    admin: TestClient, factory: Factory
) -> None:
    pid = factory.project("Birds")["id"]
    factory.label(
        pid,
        "species",
        values=[{"value": "wren", "color": "#112233", "hotkey": "1"}, {"value": "robin"}],
        required=True,
        color="#abcdef",
        scope="datapoint",
    )
    factory.label(pid, "note", "text", scope="datapoint", hotkey="q")
    settings = {
        "guidelines": "# Birds\nBox them.",
        "quick": {"mode": "choice", "label": "species"},
        "validation": {"rules": [{"kind": "required_value", "label": "species"}]},
    }
    assert admin.patch(f"/api/projects/{pid}", json={"settings": settings}).status_code == 200
    upload(admin, pid)
    factory.user("ann")
    factory.member(pid, "ann", "annotator")
    r = admin.post(
        f"/api/projects/{pid}/template",
        json={"name": "My birds", "summary": "Birds of the yard", "exports": ["raven"]},
    )
    assert r.status_code == 201, r.text
    saved = r.json()
    assert saved["builtin"] is False and saved["exports"] == ["raven"]
    assert saved["guidelines"] == "# Birds\nBox them." and "guidelines" not in saved["settings"]
    assert [t["name"] for t in _templates(admin)][-1] == "My birds"

    new = admin.post("/api/projects", json={"name": "Birds 2", "template": saved["id"]}).json()
    original = admin.get(f"/api/projects/{pid}/labels").json()
    copied = admin.get(f"/api/projects/{new['id']}/labels").json()
    assert _setup(copied) == _setup(original)
    assert new["settings"] == settings
    assert new["counts"]["total"] == 0  # the setup, not the data
    assert admin.get(f"/api/projects/{new['id']}/members").json() == []


def test_file_round_trip(admin: TestClient) -> None:
    r = admin.get("/api/templates/bioacoustic-calls/file")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    doc = r.json()
    assert doc["audino_template"] == 1 and "key" not in doc
    doc["name"] = "Bats"
    r = admin.post("/api/templates/import", content=json.dumps(doc).encode())
    assert r.status_code == 201, r.text
    imported = r.json()
    builtin = admin.get("/api/templates/bioacoustic-calls").json()
    for field in ("labels", "settings", "exports", "guidelines", "summary"):
        assert imported[field] == builtin[field], field
    again = admin.get(f"/api/templates/{imported['id']}/file").json()
    assert again == doc


def _bad_documents() -> list[tuple[Any, int, str]]:
    good = {"name": "T", "labels": [{"name": "x", "kind": "single", "values": [{"value": "a"}]}]}

    def but(**change: Any) -> bytes:
        return json.dumps({**good, **change}).encode()

    label = good["labels"][0]  # type: ignore[index]
    return [
        (b"not json", 400, "not JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (but(name=5), 400, "name must be text"),
        (but(name=""), 400, "needs a name"),
        (but(labels="x"), 400, "labels must be a list"),
        (but(labels=[{**label, "kind": "colour"}]), 400, "Unknown label kind"),
        (but(labels=[{**label, "scope": "file"}]), 400, "Unknown scope"),
        (but(labels=[{**label, "color": "red"}]), 400, "not a colour"),
        (but(labels=[label, label]), 400, "same name"),
        (but(labels=[{"name": "t", "kind": "text", "values": [{"value": "a"}]}]), 400, "no values"),
        (
            but(labels=[{**label, "values": [{"value": "a", "hotkey": "1"}], "hotkey": "1"}]),
            400,
            "hotkey",
        ),
        (but(settings={"validation": {"rules": [{"kind": "nope"}]}}), 400, "unknown kind"),
        (
            but(settings={"validation": {"rules": [{"kind": "min_length", "seconds": -1}]}}),
            400,
            "seconds",
        ),
        (
            but(settings={"validation": {"rules": [{"kind": "required_value", "label": "y"}]}}),
            400,
            "does not have",
        ),
        (but(settings={"quick": {"mode": "fast", "label": "x"}}), 400, "quick.mode"),
        (but(settings={"quick": {"mode": "choice", "label": "y"}}), 400, "quick.label"),
        # x labels segments (the default scope): a quick mode decides for the whole item.
        (but(settings={"quick": {"mode": "choice", "label": "x"}}), 400, "datapoint-scope"),
        (
            but(
                labels=[{**label, "scope": "datapoint"}],
                settings={"quick": {"mode": "binary", "label": "x"}},
            ),
            400,
            "accept, reject and ignore",
        ),
        (but(exports=["mp3"]), 400, "Unknown format"),
        (but(audino_template=2), 400, "version"),
        (but(extra=1), 400, "unknown fields"),
        (but(name="Transcription"), 409, "already exists"),
        (b" " * 1_000_001, 413, "at most"),
    ]


def test_bad_imports_are_refused_in_words_and_nothing_saved(admin: TestClient) -> None:
    for body, status, words in _bad_documents():
        r = admin.post("/api/templates/import", content=body)
        assert r.status_code == status, (body[:80], r.text)
        assert words.lower() in r.json()["detail"].lower(), (words, r.text)
    assert len(_templates(admin)) == len(BUILTINS)


def test_other_refusals(admin: TestClient, factory: Factory, app_env: AppEnv) -> None:
    pid = factory.project("P")["id"]
    r = admin.post("/api/projects", json={"name": "Q", "template": "nope"})
    assert r.status_code == 400 and "no template" in r.json()["detail"]
    assert admin.get("/api/templates/nope").status_code == 404
    r = admin.delete("/api/templates/transcription")
    assert r.status_code == 400 and "built-in" in r.json()["detail"]
    r = admin.post(f"/api/projects/{pid}/template", json={"name": "Speaker diarisation"})
    assert r.status_code == 409
    # A template whose project name is taken makes nothing.
    r = admin.post("/api/projects", json={"name": "P", "template": "emotion-recognition"})
    assert r.status_code == 409
    assert len(admin.get("/api/projects").json()) == 1
    assert len(_templates(admin)) == len(BUILTINS)


def test_who_may_save_import_and_delete(admin: TestClient, factory: Factory, as_user: Any) -> None:
    factory.user("ann")
    factory.user("max")
    factory.user("mia")
    pid = factory.project("P", ann="annotator", max="manager")["id"]
    factory.project("Other", mia="manager")
    doc = admin.get("/api/templates/transcription/file").json()
    ann, max_, mia = as_user("ann"), as_user("max"), as_user("mia")

    assert ann.get("/api/templates").status_code == 200  # annotators may look
    assert ann.post(f"/api/projects/{pid}/template", json={"name": "A"}).status_code == 403
    r = ann.post("/api/templates/import", content=json.dumps({**doc, "name": "A"}).encode())
    assert r.status_code == 403 and "managers" in r.json()["detail"]
    assert mia.post(f"/api/projects/{pid}/template", json={"name": "A"}).status_code == 404
    # Project creation stays with administrators, template or not.
    assert (
        max_.post("/api/projects", json={"name": "N", "template": "transcription"}).status_code
        == 403
    )

    saved = max_.post(f"/api/projects/{pid}/template", json={"name": "Max's"}).json()
    imported = mia.post(
        "/api/templates/import", content=json.dumps({**doc, "name": "Mia's"}).encode()
    )
    assert imported.status_code == 201
    assert ann.delete(f"/api/templates/{saved['id']}").status_code == 403
    r = mia.delete(f"/api/templates/{saved['id']}")
    assert r.status_code == 403 and "saved" in r.json()["detail"]
    assert max_.delete(f"/api/templates/{saved['id']}").status_code == 204
    assert admin.delete(f"/api/templates/{imported.json()['id']}").status_code == 204
    assert len(_templates(admin)) == len(BUILTINS)


def test_annotators_cannot_delete_builtins_either(factory: Factory, as_user: Any) -> None:
    factory.user("ann")
    factory.project("P", ann="annotator")
    r = as_user("ann").delete("/api/templates/transcription")
    assert r.status_code == 403


def test_a_name_taken_meanwhile_is_a_conflict(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audino.db.models import ProjectTemplate
    from audino.services import templates
    from audino.services.errors import Conflict

    doc = templates.check_document({"name": "Race"})
    with app_env.database.session() as db:
        db.add(ProjectTemplate(name="Race", document=doc))
        db.flush()
        # The check before the insert misses it (as when two saves run at once).
        monkeypatch.setattr(templates, "_check_name_free", lambda db, name: None)
        with pytest.raises(Conflict):
            templates.save_template(db, doc, actor_id=None)
        assert db.query(ProjectTemplate).count() == 1
