"""Label schemas: every kind and scope, values with colour and hotkey, reordering."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import AppEnv, Factory


def test_labels_of_every_kind(admin: TestClient, factory: Factory) -> None:
    pid = factory.project("P")["id"]
    factory.label(
        pid,
        "speaker",
        "single",
        values=[{"value": "A", "color": "#FF0000", "hotkey": "1"}, {"value": "B"}],
    )
    factory.label(pid, "noise", "multi", values=[{"value": "music"}, {"value": "traffic"}])
    factory.label(pid, "note", "text")
    factory.label(pid, "snr", "number", required=True)
    factory.label(pid, "clean", "boolean", scope="datapoint")
    labels = admin.get(f"/api/projects/{pid}/labels").json()
    assert [(x["name"], x["kind"], x["scope"]) for x in labels] == [
        ("speaker", "single", "segment"),
        ("noise", "multi", "segment"),
        ("note", "text", "segment"),
        ("snr", "number", "segment"),
        ("clean", "boolean", "datapoint"),
    ]
    assert labels[0]["values"][0] == {
        "id": labels[0]["values"][0]["id"],
        "value": "A",
        "color": "#ff0000",
        "hotkey": "1",
        "position": 0,
    }
    assert labels[3]["required"] is True


def test_label_validation(admin: TestClient, factory: Factory) -> None:
    pid = factory.project("P")["id"]
    factory.label(pid, "speaker", values=[{"value": "A", "hotkey": "a"}])
    url = f"/api/projects/{pid}/labels"
    cases = [
        ({"name": "speaker", "kind": "single"}, 409),
        ({"name": "x", "kind": "colour"}, 400),
        ({"name": "x", "kind": "single", "scope": "file"}, 400),
        ({"name": "x", "kind": "single", "color": "red"}, 400),
        ({"name": "x", "kind": "text", "values": [{"value": "v"}]}, 400),
        ({"name": "x", "kind": "single", "values": [{"value": "v", "hotkey": "a"}]}, 409),
        ({"name": "x"}, 422),
        ({"kind": "single"}, 422),
    ]
    for body, status in cases:
        assert admin.post(url, json=body).status_code == status, body
    assert len(admin.get(url).json()) == 1


def test_values_crud_and_reorder(admin: TestClient, factory: Factory) -> None:
    pid = factory.project("P")["id"]
    label = factory.label(pid, "speaker", values=[{"value": "A"}, {"value": "B"}])
    base = f"/api/projects/{pid}/labels/{label['id']}"
    r = admin.post(f"{base}/values", json={"value": "C", "color": "#00f", "hotkey": "3"})
    assert r.status_code == 201
    c = r.json()["id"]
    assert admin.post(f"{base}/values", json={"value": "C"}).status_code == 409
    r = admin.patch(f"{base}/values/{c}", json={"value": "Carol", "hotkey": None})
    assert r.json()["value"] == "Carol" and r.json()["hotkey"] is None and r.json()["color"]
    ids = [v["id"] for v in admin.get(base).json()["values"]]
    r = admin.put(f"{base}/values/order", json={"ids": list(reversed(ids))})
    assert [v["value"] for v in r.json()["values"]] == ["Carol", "B", "A"]
    assert admin.put(f"{base}/values/order", json={"ids": ids[:1]}).status_code == 400
    assert admin.delete(f"{base}/values/{c}").status_code == 204
    assert admin.delete(f"{base}/values/{c}").status_code == 404
    assert [v["value"] for v in admin.get(base).json()["values"]] == ["B", "A"]


def test_label_update_reorder_delete(admin: TestClient, factory: Factory) -> None:
    pid = factory.project("P")["id"]
    a = factory.label(pid, "a", "text")
    b = factory.label(pid, "b", "text")
    url = f"/api/projects/{pid}/labels"
    r = admin.patch(f"{url}/{a['id']}", json={"name": "alpha", "required": True, "color": "#123"})
    assert (r.json()["name"], r.json()["required"], r.json()["color"]) == ("alpha", True, "#123")
    assert admin.patch(f"{url}/{a['id']}", json={"name": "b"}).status_code == 409
    r = admin.put(f"{url}/order", json={"ids": [b["id"], a["id"]]})
    assert [x["name"] for x in r.json()] == ["b", "alpha"]
    assert admin.put(f"{url}/order", json={"ids": [b["id"], b["id"]]}).status_code == 400
    assert admin.delete(f"{url}/{a['id']}").status_code == 204
    assert [x["name"] for x in admin.get(url).json()] == ["b"]


def test_labels_of_another_project_are_invisible(
    app_env: AppEnv, factory: Factory, admin: TestClient
) -> None:
    factory.user("alice")
    p1 = factory.project("One", alice="annotator")["id"]
    p2 = factory.project("Two")["id"]
    other = factory.label(p2, "secret", "text")
    alice = app_env.login("alice")
    assert alice.get(f"/api/projects/{p1}/labels").status_code == 200
    assert alice.get(f"/api/projects/{p2}/labels").status_code == 404
    assert admin.get(f"/api/projects/{p1}/labels/{other['id']}").status_code == 404
    assert (
        admin.patch(f"/api/projects/{p1}/labels/{other['id']}", json={"name": "x"}).status_code
        == 404
    )
