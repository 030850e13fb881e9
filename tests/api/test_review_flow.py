"""The reviewer's workflow through the API: the queue of submitted work, accept, reject with
a comment back to the annotator, resubmit; comments with threads, mentions and resolving;
an item's history with restoring a segment."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from audino.db.models import Assignment, Comment
from tests.api.test_review import Team, make_team
from tests.conftest import AppEnv, Factory


@pytest.fixture
def team(app_env: AppEnv, factory: Factory) -> Team:
    return make_team(app_env, factory)


def _queue(client: Any, team: Team, **params: Any) -> dict[str, Any]:
    r = client.get(f"/api/projects/{team.project['id']}/review-queue", params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _segment(client: Any, team: Team, start: float, text: str = "") -> dict[str, Any]:
    body = {"start": start, "end": start + 0.5, "transcript": text}
    r = client.post(f"/api/datapoints/{team.dp}/segments", json=body)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _complete(client: Any, team: Team) -> dict[str, Any]:
    r = client.post(f"/api/datapoints/{team.dp}/complete")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_submit_reject_fix_resubmit_accept(app_env: AppEnv, team: Team) -> None:
    _segment(team.ann, team, 0.1, "helo")
    assert _queue(team.rev, team)["items"] == []  # nothing submitted yet
    assert _complete(team.ann, team)["state"] == "submitted"

    queue = _queue(team.rev, team)
    assert [(i["username"], i["state"]) for i in queue["items"]] == [("ann", "submitted")]
    assert queue["waiting"] == 1

    r = team.rev.post(
        f"/api/datapoints/{team.dp}/reject",
        json={"user_id": team.ann_id, "comment": "Typo: 'helo' should be 'hello'."},
    )
    assert r.status_code == 200, r.text
    rejected = r.json()
    assert rejected["assignment"]["state"] == "rejected"
    assert rejected["assignment"]["status"] == "in_progress"
    assert rejected["comment"]["kind"] == "rejection" and rejected["comment"]["about"] == "ann"
    assert _queue(team.rev, team)["items"] == []
    assert [i["state"] for i in _queue(team.rev, team, show="rejected")["items"]] == ["rejected"]

    # The annotator sees the verdict on their item and the comment saying why.
    mine = team.ann.get(f"/api/datapoints/{team.dp}/values").json()
    assert mine["state"] == "rejected" and mine["review_status"] == "rejected"
    notes = team.ann.get(f"/api/datapoints/{team.dp}/comments").json()
    assert [(n["author"], n["body"]) for n in notes] == [
        ("rita", "Typo: 'helo' should be 'hello'.")
    ]
    listed = team.ann.get(f"/api/projects/{team.project['id']}/datapoints").json()["items"]
    assert listed[0]["my_assignment"]["state"] == "rejected"

    _segment(team.ann, team, 1.0, "hello")
    assert _complete(team.ann, team)["state"] == "submitted"
    assert [i["state"] for i in _queue(team.rev, team)["items"]] == ["submitted"]

    r = team.rev.post(f"/api/datapoints/{team.dp}/accept", json={"user_id": team.ann_id})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "accepted"
    assert _queue(team.rev, team)["waiting"] == 0
    assert team.ann.get(f"/api/datapoints/{team.dp}/values").json()["state"] == "accepted"

    # The export's "reviewed" filter now includes the item.
    export = team.rev.get  # reviewers cannot export; the admin checks
    del export
    history = team.rev.get(f"/api/datapoints/{team.dp}/history").json()
    actions = [e["action"] for e in reversed(history)]
    for step in (
        "segment.create",
        "assignment.complete",
        "assignment.reject",
        "comment.rejection",
        "assignment.accept",
    ):
        assert step in actions, (step, actions)
    assert actions.index("assignment.reject") < actions.index("assignment.accept")
    assert {e["who"] for e in history} == {"ann", "rita"}


def test_reviewed_export_filter_includes_accepted_work(
    app_env: AppEnv, team: Team, factory: Factory
) -> None:
    _segment(team.ann, team, 0.1, "hello")
    _complete(team.ann, team)
    pid = team.project["id"]

    def reviewed() -> int:
        r = factory.admin.get(f"/api/projects/{pid}/export", params={"status": "reviewed"})
        assert r.status_code == 200, r.text
        return len(r.json()["datapoints"])

    assert reviewed() == 0
    team.rev.post(f"/api/datapoints/{team.dp}/accept", json={"user_id": team.ann_id})
    assert reviewed() == 1


def test_only_submitted_work_by_someone_else_can_be_reviewed(app_env: AppEnv, team: Team) -> None:
    url = f"/api/datapoints/{team.dp}"
    r = team.rev.post(f"{url}/accept", json={"user_id": team.ann_id})
    assert r.status_code == 409 and r.json()["code"] == "not_submitted"
    assert "has not submitted" in r.json()["detail"]
    _complete(team.ann, team)
    # Annotators cannot review (not even someone else's work), nor anyone their own.
    r = team.bob.post(f"{url}/accept", json={"user_id": team.ann_id})
    assert r.status_code == 403
    r = team.ann.post(f"{url}/reject", json={"user_id": team.ann_id, "comment": "meh"})
    assert r.status_code == 403
    # A rejection needs a comment; nothing changes without one.
    r = team.rev.post(f"{url}/reject", json={"user_id": team.ann_id, "comment": "  "})
    assert r.status_code in (400, 422), r.text
    with app_env.database.session(write=False) as db:
        assert db.scalar(select(func.count()).select_from(Comment)) == 0
        row = db.scalar(select(Assignment).where(Assignment.user_id == team.ann_id))
        assert row is not None and row.status == "done" and row.review_status is None
    # Someone not assigned is named.
    r = team.rev.post(f"{url}/accept", json={"user_id": 999})
    assert r.status_code == 404 and r.json()["code"] == "not_assigned"


def test_a_marked_item_is_in_the_queue_and_its_review_works(app_env: AppEnv, team: Team) -> None:
    """The day-one bug: a reviewer opening a marked item could not read or act on it."""
    _segment(team.ann, team, 0.1, "x")
    r = team.ann.post(f"/api/datapoints/{team.dp}/review", json={"marked": True})
    assert r.status_code == 200
    (item,) = _queue(team.rev, team)["items"]
    assert item["marked_for_review"] and item["state"] == "in_progress"
    values = team.rev.get(f"/api/datapoints/{team.dp}/values", params={"user_id": team.ann_id})
    assert values.status_code == 200 and values.json()["username"] == "ann"
    segs = team.rev.get(f"/api/datapoints/{team.dp}/segments").json()
    assert [s["author"] for s in segs] == ["ann"]
    r = team.rev.post(f"/api/datapoints/{team.dp}/accept", json={"user_id": team.ann_id})
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    assert r.json()["marked_for_review"] is False


def test_queue_filters_by_annotator_pages_oldest_first(app_env: AppEnv, team: Team) -> None:
    _complete(team.bob, team)
    _complete(team.ann, team)
    both = _queue(team.rev, team)["items"]
    assert [i["username"] for i in both] == ["bob", "ann"]  # bob submitted first
    assert [i["username"] for i in _queue(team.rev, team, annotator="ann")["items"]] == ["ann"]
    first = _queue(team.rev, team, limit=1)
    assert [i["username"] for i in first["items"]] == ["bob"] and first["next_cursor"]
    second = _queue(team.rev, team, limit=1, cursor=first["next_cursor"])
    assert [i["username"] for i in second["items"]] == ["ann"] and second["next_cursor"] is None
    r = team.rev.get(
        f"/api/projects/{team.project['id']}/review-queue", params={"cursor": "garbage!!"}
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_cursor"
    # Annotators have no review queue.
    r = team.ann.get(f"/api/projects/{team.project['id']}/review-queue")
    assert r.status_code == 403


def test_comments_thread_mention_resolve(app_env: AppEnv, team: Team) -> None:
    seg = _segment(team.ann, team, 0.1, "hi")
    url = f"/api/datapoints/{team.dp}/comments"
    r = team.rev.post(url, json={"body": "@ann is this a second speaker?", "segment_id": seg["id"]})
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["mentions"] == ["ann"] and first["segment_id"] == seg["id"]
    reply = team.ann.post(url, json={"body": "Yes — thanks @rita", "parent_id": first["id"]})
    assert reply.status_code == 201
    assert reply.json()["parent_id"] == first["id"] and reply.json()["segment_id"] == seg["id"]
    # Not a member: plain text, no mention; an e-mail address is not a mention.
    other = team.rev.post(url, json={"body": "cc @nobody and rita@example.org"}).json()
    assert other["mentions"] == []

    listed = team.rev.get(f"/api/projects/{team.project['id']}/datapoints").json()["items"]
    assert listed[0]["unresolved_comments"] == 2

    # Bob may read but not edit ann's reply; ann resolves the thread about her segment.
    assert (
        team.bob.patch(f"/api/comments/{reply.json()['id']}", json={"body": "x"}).status_code == 403
    )
    r = team.rev.patch(f"/api/comments/{first['id']}", json={"resolved": True})
    assert r.status_code == 200 and r.json()["resolved"] and r.json()["resolved_by"] == "rita"
    listed = team.rev.get(f"/api/projects/{team.project['id']}/datapoints").json()["items"]
    assert listed[0]["unresolved_comments"] == 1

    assert team.ann.delete(f"/api/comments/{first['id']}").status_code == 403
    assert team.rev.delete(f"/api/comments/{first['id']}").status_code == 204
    assert [c["id"] for c in team.rev.get(url).json()] == [other["id"]]  # replies went too


def test_comments_are_checked_like_their_item(
    app_env: AppEnv, team: Team, factory: Factory
) -> None:
    factory.user("carl")
    factory.member(team.project["id"], "carl", "annotator")
    carl = app_env.login("carl")
    url = f"/api/datapoints/{team.dp}/comments"
    note = team.rev.post(url, json={"body": "hello"}).json()
    assert carl.get(url).status_code == 404  # not assigned: the item is not known to carl
    assert carl.patch(f"/api/comments/{note['id']}", json={"resolved": True}).status_code == 404
    assert team.rev.post(url, json={"body": ""}).status_code == 422
    assert team.rev.post(url, json={"body": "x" * 5001}).status_code == 422
    r = team.rev.post(url, json={"body": "on nothing", "segment_id": "not-a-segment"})
    assert r.status_code == 404
    r = team.rev.post(url, json={"body": "reply to nothing", "parent_id": 99999})
    assert r.status_code == 404


def test_history_restores_a_segment(app_env: AppEnv, team: Team) -> None:
    seg = _segment(team.ann, team, 0.1, "first words")
    r = team.ann.patch(
        f"/api/segments/{seg['id']}", json={"transcript": "changed", "version": seg["version"]}
    )
    assert r.status_code == 200, r.text
    history = team.ann.get(
        f"/api/datapoints/{team.dp}/history", params={"segment_id": seg["id"]}
    ).json()
    created = next(e for e in history if e["action"] == "segment.create")
    assert created["after"]["transcript"] == "first words" and created["restorable"]
    r = team.rev.post(f"/api/datapoints/{team.dp}/history/{created['id']}/restore")
    assert r.status_code == 200, r.text
    (restored,) = r.json()["segments"]
    assert restored["transcript"] == "first words" and restored["author"] == "ann"
    # Restoring is itself in the history, as the reviewer's change.
    latest = team.ann.get(f"/api/datapoints/{team.dp}/history").json()[0]
    assert latest["who"] == "rita" and latest["after"]["transcript"] == "first words"
    # Bob sees only his own work's history (none), not ann's.
    assert team.bob.get(f"/api/datapoints/{team.dp}/history").json() == []
    assert (
        team.bob.post(f"/api/datapoints/{team.dp}/history/{created['id']}/restore").status_code
        == 403
    )
    r = team.rev.post(f"/api/datapoints/{team.dp}/history/999999/restore")
    assert r.status_code == 404


def test_a_reviewers_correction_stays_the_reviewers(app_env: AppEnv, team: Team) -> None:
    seg = _segment(team.ann, team, 0.1, "helo wrld")
    _complete(team.ann, team)
    # The reviewer corrects ann's segment and adds one she missed, on ann's work.
    r = team.rev.patch(
        f"/api/segments/{seg['id']}", json={"transcript": "hello world", "version": seg["version"]}
    )
    assert r.status_code == 200, r.text
    fixed = r.json()
    assert (fixed["author"], fixed["edited_by"]) == ("ann", "rita")
    r = team.rev.post(
        f"/api/datapoints/{team.dp}/segments/batch",
        json={"user_id": team.ann_id, "upserts": [{"start": 2.0, "end": 2.5, "transcript": "yes"}]},
    )
    assert r.status_code == 200, r.text
    (added,) = r.json()["segments"]
    assert (added["author"], added["edited_by"]) == ("ann", "rita")
    # Her work stays submitted: a correction is not the annotator starting again.
    assert team.ann.get(f"/api/datapoints/{team.dp}/values").json()["state"] == "submitted"
    # Only reviewers write on someone's behalf, and only for an assignee of the item.
    batch = {"upserts": [{"start": 3.0, "end": 3.5}]}
    r = team.bob.post(
        f"/api/datapoints/{team.dp}/segments/batch", json=batch | {"user_id": team.ann_id}
    )
    assert r.status_code == 403 and "reviewers" in r.json()["detail"]
    rita_id = team.rev.get("/api/auth/me").json()["id"]
    r = team.rev.post(
        f"/api/datapoints/{team.dp}/segments/batch", json=batch | {"user_id": rita_id + 100}
    )
    assert r.status_code == 404 and "not assigned" in r.json()["detail"]
    # Read back as anyone sees them: ann's work, each change marked as rita's.
    listed = team.rev.get(
        f"/api/datapoints/{team.dp}/segments", params={"author_id": team.ann_id}
    ).json()
    assert [(s["transcript"], s["author"], s["edited_by"]) for s in listed] == [
        ("hello world", "ann", "rita"),
        ("yes", "ann", "rita"),
    ]
    # The original stays in the history, with who changed it.
    history = team.rev.get(
        f"/api/datapoints/{team.dp}/history", params={"segment_id": seg["id"]}
    ).json()
    update = next(e for e in history if e["action"] == "segment.update")
    assert update["who"] == "rita"
    assert (update["before"]["transcript"], update["after"]["transcript"]) == (
        "helo wrld",
        "hello world",
    )
    # When ann works on it again, it is her hand again.
    r = team.ann.patch(
        f"/api/segments/{seg['id']}", json={"transcript": "hello, world", "version": 2}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["author"], r.json()["edited_by"]) == ("ann", None)


def test_agreement_of_two_annotators_on_one_item(app_env: AppEnv, team: Team) -> None:
    speaker = team.rev.get(f"/api/projects/{team.project['id']}/labels").json()
    label = next(lb for lb in speaker if lb["name"] == "speaker")
    a = label["values"][0]["id"]
    for client, texts in (
        (team.ann, ["hello there", "good bye"]),
        (team.bob, ["hello where", "good bye"]),
    ):
        for i, text in enumerate(texts):
            body = {
                "start": 0.5 + i * 3,
                "end": 2.5 + i * 3 + (0.1 if client is team.bob else 0),
                "transcript": text,
                "values": {str(label["id"]): a},
            }
            assert client.post(f"/api/datapoints/{team.dp}/segments", json=body).status_code == 201
    r = team.rev.get(f"/api/datapoints/{team.dp}/agreement")
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["annotators"] == ["ann", "bob"]
    (pair,) = got["pairs"]
    assert pair["matched"] == 2
    # 1 substitution in 4 words either way round: WER 0.25.
    assert pair["wer"]["mean"] == 0.25
    # Starts agree exactly; bob's ends are 100 ms later: within the 200 ms tolerance.
    assert pair["boundaries"]["f1"] == 1.0
    # Both said speaker A throughout: DER is the 0.2 s bob's speech runs over, on 4 s.
    assert pair["diarization"]["der"] is not None and pair["diarization"]["der"] < 0.06
    assert team.ann.get(f"/api/datapoints/{team.dp}/agreement").status_code == 403

    project = team.rev.get(f"/api/projects/{team.project['id']}/agreement").json()
    assert project["items"] == 1 and project["overall"]["wer"]["mean"] == 0.25
    assert [(p["annotator_a"], p["annotator_b"]) for p in project["pairs"]] == [("ann", "bob")]

    # The analytics page's agreement per week follows its annotator filter.
    for client in (team.ann, team.bob):
        assert client.post(f"/api/datapoints/{team.dp}/complete").status_code == 200
    url = f"/api/projects/{team.project['id']}/analytics"
    (week,) = team.rev.get(url, params={"chart": "agreement"}).json()["agreement"]
    assert week["items"] == 1 and week["wer"] == 0.25 and week["boundary_f1"] == 1.0
    assert team.rev.get(url, params={"annotator": "bob"}).json()["agreement"] == [week]
    assert team.rev.get(url, params={"annotator": "rita"}).json()["agreement"] == []


def test_validation_rules_block_complete_until_fixed(
    app_env: AppEnv, team: Team, factory: Factory
) -> None:
    pid = team.project["id"]
    rules = [
        {"kind": "min_length", "seconds": 0.3},
        {"kind": "no_double_spaces", "severity": "warning"},
    ]
    r = factory.admin.patch(
        f"/api/projects/{pid}", json={"settings": {"validation": {"rules": rules}}}
    )
    assert r.status_code == 200, r.text
    short = _segment(team.ann, team, 0.1, "hi  there")  # 0.5 s: long enough; double space
    tiny = team.ann.post(
        f"/api/datapoints/{team.dp}/segments", json={"start": 2.0, "end": 2.1}
    ).json()
    check = team.ann.get(f"/api/datapoints/{team.dp}/validation").json()
    assert (check["errors"], check["warnings"]) == (1, 1)
    assert check["findings"][0]["segment_id"] == tiny["id"]
    assert check["findings"][0]["message"] == (
        "The segment at 2.00 s is 0.10 s long; segments are at least 0.3 s."
    )
    r = team.ann.post(f"/api/datapoints/{team.dp}/complete")
    assert r.status_code == 400 and r.json()["code"] == "validation_failed"
    assert "0.10 s long" in r.json()["detail"]
    assert team.ann.get(f"/api/datapoints/{team.dp}/values").json()["status"] == "in_progress"
    # Reviewers see the same findings on the annotator's work.
    theirs = team.rev.get(
        f"/api/datapoints/{team.dp}/validation", params={"user_id": team.ann_id}
    ).json()
    assert theirs["findings"] == check["findings"]

    r = team.ann.patch(f"/api/segments/{tiny['id']}", json={"end": 2.5, "version": tiny["version"]})
    assert r.status_code == 200, r.text
    assert _complete(team.ann, team)["state"] == "submitted"  # the warning does not block
    del short


def test_bad_validation_rules_are_refused_and_not_saved(
    app_env: AppEnv, team: Team, factory: Factory
) -> None:
    pid = team.project["id"]
    bad = {"validation": {"rules": [{"kind": "min_length", "seconds": "long"}]}}
    r = factory.admin.patch(f"/api/projects/{pid}", json={"settings": bad})
    assert r.status_code == 400 and r.json()["code"] == "bad_validation"
    assert r.json()["detail"] == "validation rule 1: seconds must be a number of 0 or more."
    assert factory.admin.get(f"/api/projects/{pid}").json()["settings"] == {}


def test_data_list_filters_by_work_state(app_env: AppEnv, team: Team) -> None:
    pid = team.project["id"]

    def listed(client: Any, **params: Any) -> list[int]:
        r = client.get(f"/api/projects/{pid}/datapoints", params=params)
        assert r.status_code == 200, r.text
        return [d["id"] for d in r.json()["items"]]

    assert listed(team.rev, state="todo") == [team.dp]
    assert listed(team.rev, state="submitted") == []
    _segment(team.ann, team, 0.1, "words")
    _complete(team.ann, team)
    r = team.rev.post(
        f"/api/datapoints/{team.dp}/reject", json={"user_id": team.ann_id, "comment": "Redo."}
    )
    assert r.status_code == 200, r.text
    # Any assignment on the item, or the assignee's own with `assignee`.
    assert listed(team.rev, state="rejected") == [team.dp]
    assert listed(team.rev, state="todo") == [team.dp]  # bob has not started
    assert listed(team.rev, state="rejected", assignee="bob") == []
    assert listed(team.rev, state="todo", assignee="bob") == [team.dp]
    assert listed(team.rev, state="accepted") == []
    # An annotator filters their own work only.
    assert listed(team.ann, state="rejected") == [team.dp]
    assert listed(team.bob, state="rejected") == []
    r = team.rev.get(f"/api/projects/{pid}/datapoints", params={"state": "finished"})
    assert r.status_code == 400
    assert "Unknown state 'finished'" in r.json()["detail"] and "submitted" in r.json()["detail"]
