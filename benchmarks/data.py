"""Synthetic projects for the benchmarks: a native audino document of N items x K segments."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

T0 = datetime(2024, 1, 1, tzinfo=UTC)
LABELS = [
    {"name": "speaker", "kind": "single", "values": [{"value": "A"}, {"value": "B"}]},
    {"name": "tags", "kind": "multi", "values": [{"value": "noise"}, {"value": "music"}]},
    {"name": "note", "kind": "text"},
]
USERS = ["alice", "bob", "carol", "dave"]


def storage_key(i: int) -> str:
    digest = f"{i:040x}"
    return f"{digest[:2]}/{digest[2:]}.wav"


def native_document(
    items: int, segments: int, *, name: str = "bench", seed: int = 0, words: bool = False
) -> dict[str, Any]:
    """Every item assigned to one of four users who pre-annotated `segments` segments;
    segment ids are random version-4 uuids, the same for the same `seed`. With `words`,
    every other segment has word timings (the rest leave CTM to estimate them)."""
    rng = random.Random(seed)
    datapoints = []
    for i in range(items):
        user = USERS[i % len(USERS)]
        made = (T0 + timedelta(seconds=i)).isoformat()
        segs = [
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "author": user,
                "start": j * 1.5,
                "end": j * 1.5 + 1.25,
                "transcript": f"utterance {j} of item {i}",
                "values": {"speaker": "AB"[j % 2], "tags": ["noise"] if j % 3 else []},
                "attributes": {"words": _words(j, i, j * 1.5)} if words and j % 2 else {},
                "source": "model",
                "model": "vad",
                "model_version": "1",
                "confidence": 0.5 + j / 100,
                "version": 1,
                "created_at": (T0 + timedelta(seconds=i, milliseconds=j)).isoformat(),
                "updated_at": (T0 + timedelta(seconds=i, milliseconds=j)).isoformat(),
            }
            for j in range(segments)
        ]
        datapoints.append(
            {
                "id": i + 1,
                "name": f"item-{i:06d}.wav",
                "storage_key": storage_key(i),
                "sha256": f"{i:064x}",
                "size": 320_044,
                "duration": 10.0,
                "sample_rate": 16000,
                "channels": 1,
                "codec": "pcm_s16le",
                "container": "wav",
                "reference_transcript": "",
                "metadata": {"batch": i // 1000},
                "status": "in_progress",
                "marked_for_review": False,
                "created_at": made,
                "updated_at": made,
                "assignments": [
                    {
                        "user": user,
                        "status": "in_progress",
                        "values": {},
                        "version": 1,
                        "created_at": made,
                        "updated_at": made,
                    }
                ],
                "segments": segs,
            }
        )
    return {
        "format": "audino",
        "version": 1,
        "project": {"name": name, "description": "benchmark", "settings": {}},
        "labels": LABELS,
        "users": [{"username": u, "role": "annotator"} for u in USERS],
        "datapoints": datapoints,
    }


def _words(j: int, i: int, start: float) -> list[dict[str, Any]]:
    """Timings for the words of `utterance {j} of item {i}`, 0.2 s each."""
    text = f"utterance {j} of item {i}".split()
    return [
        {"word": w, "start": start + k * 0.25, "end": start + k * 0.25 + 0.2, "confidence": 0.9}
        for k, w in enumerate(text)
    ]
