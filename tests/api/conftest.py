"""Fixtures shared by the API tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import AppEnv, Factory


@dataclass
class Setup:
    project: dict[str, Any]
    key: str
    speaker: dict[str, Any]
    tags: dict[str, Any]
    ann_id: int


@pytest.fixture
def setup(app_env: AppEnv, factory: Factory) -> Setup:
    ann = factory.user("ann")
    project = factory.project("Legacy", ann="annotator")
    pid = project["id"]
    speaker = factory.label(pid, "speaker", "single", values=[{"value": "A"}, {"value": "B"}])
    tags = factory.label(pid, "tags", "multi", values=[{"value": "x"}, {"value": "y"}])
    factory.label(pid, "quality", "single", scope="datapoint", values=[{"value": "ok"}])
    return Setup(project, factory.api_key(pid), speaker, tags, ann["id"])
