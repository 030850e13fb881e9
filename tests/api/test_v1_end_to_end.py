"""Done-when check: the 2020 upload protocol in, the 2020 export shape (`audino-v1`) out."""

from __future__ import annotations

import json

from tests.api.conftest import Setup
from tests.api.test_compat import GOOD, fields, post_data
from tests.conftest import AppEnv, Factory

SEGMENT_KEYS = {"start_time", "end_time", "transcription", "created_at", "last_modified",
                "annotations"}  # fmt: skip
ITEM_KEYS = {"original_filename", "filename", "url", "reference_transcription",
             "is_marked_for_review", "created_at", "last_modified", "assigned_user",
             "segmentations"}  # fmt: skip


def test_original_client_uploads_come_back_in_the_original_export_shape(
    app_env: AppEnv,
    setup: Setup,
    factory: Factory,
) -> None:
    a, b = (v["id"] for v in setup.speaker["values"])
    x, y = (v["id"] for v in setup.tags["values"])
    uploaded = {}
    for i, path in enumerate(GOOD):
        marked = "True" if i % 2 else "false"
        r = post_data(app_env, setup.key, path,
                      fields(setup, is_marked_for_review=marked,
                             reference_transcription=f"ref {path.name}"))  # fmt: skip
        assert r.status_code == 201, (path.name, r.text)
        uploaded[path.name] = (r.json()["data_id"], marked == "True")

    r = factory.admin.get(f"/api/projects/{setup.project['id']}/export",
                          params={"format": "audino-v1"})  # fmt: skip
    assert r.status_code == 200, r.text
    items = json.loads(r.content)
    assert sorted(item["original_filename"] for item in items) == sorted(uploaded)
    for item in items:
        assert set(item) == ITEM_KEYS
        data_id, marked = uploaded[item["original_filename"]]
        assert item["url"].endswith(f"/api/datapoints/{data_id}/audio")
        assert item["reference_transcription"] == f"ref {item['original_filename']}"
        assert item["is_marked_for_review"] is marked
        assert item["assigned_user"]["username"] == "ann"
        assert set(item["assigned_user"]) == {"id", "username", "role"}
        first, second = item["segmentations"]
        assert set(first) == SEGMENT_KEYS
        assert (first["start_time"], first["end_time"]) == (0.25, 1.0)
        assert (first["transcription"], second["transcription"]) == ("नमस्ते दुनिया", "مرحبا")
        speaker, tags = first["annotations"]["speaker"], first["annotations"]["tags"]
        # single-choice labels give one {id, value}; multi labels a list of them
        assert speaker == {"id": setup.speaker["id"], "values": {"id": a, "value": "A"}}
        assert tags == {"id": setup.tags["id"],
                        "values": [{"id": x, "value": "x"}, {"id": y, "value": "y"}]}  # fmt: skip
        assert second["annotations"]["speaker"]["values"] == {"id": b, "value": "B"}
