"""The format registry: built-ins, lookups, third-party registration."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from audino.formats import registry
from audino.formats.records import Dataset


def test_builtins_are_registered_with_descriptions() -> None:
    formats = {f.name: f for f in registry.all_formats()}
    assert {"audino", "audino-v1"} <= set(formats)
    assert formats["audino"].can_import and not formats["audino"].matches_files
    assert formats["audino-v1"].can_import and formats["audino-v1"].matches_files
    assert all(f.description and "\n" not in f.description for f in formats.values())
    assert [f.name for f in registry.all_formats()] == sorted(formats)


def test_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(registry.UnknownFormat) as info:
        registry.get("kaldi-xyz")
    assert "kaldi-xyz" in str(info.value) and "audino-v1" in str(info.value)


def test_a_third_party_format_registers_like_a_builtin() -> None:
    def export(dataset: Dataset) -> Iterator[bytes]:
        yield b"".join(item.recording.name.encode() + b"\n" for item in dataset.items)

    fmt = registry.Format("names", "One file name per line.", export, extension=".txt")
    registry.register(fmt)
    try:
        assert registry.get("names") is fmt and not fmt.can_import
        with pytest.raises(ValueError, match="already registered"):
            registry.register(fmt)
        registry.register(fmt, replace=True)
    finally:
        registry._formats.pop("names")
