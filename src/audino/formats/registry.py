"""The dataset formats audino reads and writes, registered by name.

Each format module defines `export(dataset) -> Iterator[bytes]` and, when it can read its
files back, `import_(data: bytes) -> Dataset`, then describes itself with a `Format`.
Built-in formats are registered the same way a third-party one would be: `register(...)`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from audino.formats.records import Dataset

Exporter = Callable[[Dataset], Iterator[bytes]]
Importer = Callable[[bytes], Dataset]

BUILTIN_MODULES = ("audino.formats.audino_native", "audino.formats.audino_v1")


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    description: str  # one line, shown by `audino export --list-formats` and /api/formats
    export: Exporter
    import_: Importer | None = None
    media_type: str = "application/json"
    extension: str = ".json"
    # True when a file carries annotations but no audio metadata: importing adds them to
    # datapoints already in a project, matched by file name, instead of creating datapoints.
    matches_files: bool = False

    @property
    def can_import(self) -> bool:
        return self.import_ is not None


class UnknownFormat(KeyError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        return f"Unknown format {self.name!r}; known formats: {', '.join(self.known)}."


_formats: dict[str, Format] = {}
_loaded = False


def register(fmt: Format, *, replace: bool = False) -> Format:
    if fmt.name in _formats and not replace:
        raise ValueError(f"A format named {fmt.name!r} is already registered.")
    _formats[fmt.name] = fmt
    return fmt


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in BUILTIN_MODULES:
            importlib.import_module(module)


def get(name: str) -> Format:
    _load_builtins()
    try:
        return _formats[name]
    except KeyError:
        raise UnknownFormat(name, sorted(_formats)) from None


def all_formats() -> list[Format]:
    _load_builtins()
    return [_formats[name] for name in sorted(_formats)]
