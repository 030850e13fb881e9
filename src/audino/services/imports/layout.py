"""What a dataset folder says about its files beyond their audio, learnt before importing.

- **Folder per label** (Speech Commands, Hugging Face AudioFolder): with a label name
  chosen, the folder a file sits in is its value of that datapoint-scope label
  (`yes/0a7c2a8d_nohash_0.wav` → "yes"). Split folders (train/validation/test/dev) are
  looked through (`train/yes/…` → "yes", split "train"); files at the top and folders
  whose names start with "_" (Speech Commands' `_background_noise_`) get no value.
- **Metadata tables**: every `metadata.csv` / `metadata.jsonl` in the folder (AudioFolder:
  `file_name` relative to the table's own folder) and a table named on the command line
  (CSV, TSV or JSONL), matched by path or, where unique, by file name. Their columns
  become the item's metadata; numbers stay numbers where a whole column is numeric.
- **Speech Commands split lists**: `validation_list.txt` and `testing_list.txt` at the top
  give those files `split` "validation" / "test", the rest "train".
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from audino.services.errors import InvalidInput

TABLE_NAMES = ("metadata.csv", "metadata.jsonl")
KEY_COLUMNS = ("file_name", "file", "filename", "path", "audio", "name")
SPLIT_FOLDERS = {"train": "train", "validation": "validation", "dev": "validation",
                 "test": "test", "valid": "validation"}  # fmt: skip
SPLIT_LISTS = {"validation_list.txt": "validation", "testing_list.txt": "test"}
MAX_TABLE_BYTES = 200 << 20
MAX_COLUMNS = 200
# A number as a spreadsheet writes one; "007" or "1e5x" stay text.
NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")


@dataclass
class Layout:
    """Per file (by its name relative to the source root): metadata and a label value."""

    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    label: str | None = None  # the datapoint-scope label that folders fill
    values: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was learnt, in sentences
    unmatched: int = 0  # table rows naming no audio file of the source

    def metadata_of(self, name: str) -> dict[str, Any]:
        return self.metadata.get(name, {})

    @property
    def label_values(self) -> list[str]:
        return sorted(set(self.values.values()))


@dataclass(frozen=True)
class Table:
    """A metadata table's text and where it lies (its rows' paths are relative to it)."""

    name: str  # as shown to people
    folder: str  # relative to the source root ("" for the root or a table from elsewhere)
    data: bytes


def learn(
    names: Iterable[str],
    tables: Iterable[Table] = (),
    split_lists: Mapping[str, bytes] | None = None,
    *,
    folder_label: str | None = None,
) -> Layout:
    """The layout of a source's audio files (`names`, relative, "/"-separated)."""
    names = list(names)
    layout = Layout(label=folder_label)
    for name in names:
        split, value = _folders(name)
        if split:
            layout.metadata.setdefault(name, {})["split"] = split
        if folder_label and value:
            layout.values[name] = value
    if folder_label:
        count = len(layout.label_values)
        layout.notes.append(
            f"{len(layout.values)} files get a value of the label “{folder_label}” from "
            f"their folder ({count} value{'s' if count != 1 else ''})."
        )
    if split_lists:
        _split_lists(layout, names, split_lists)
    by_path = set(names)
    by_file: dict[str, list[str]] = {}
    for name in names:
        by_file.setdefault(posixpath.basename(name), []).append(name)
    for table in tables:
        rows = _rows(table)
        key = _key_column(table, rows)
        matched = 0
        for row in rows:
            target = _match(str(row.get(key) or ""), table.folder, by_path, by_file)
            if target is None:
                layout.unmatched += 1
                continue
            extra = {k: v for k, v in row.items() if k != key and v not in ("", None)}
            layout.metadata.setdefault(target, {}).update(extra)
            matched += 1
        layout.notes.append(f"{table.name}: metadata for {matched} of {len(rows)} rows' files.")
    return layout


def _folders(name: str) -> tuple[str | None, str | None]:
    """(split, label value) from a file's folders."""
    parts = name.split("/")[:-1]
    split = None
    if parts and parts[0].casefold() in SPLIT_FOLDERS:
        split = SPLIT_FOLDERS[parts[0].casefold()]
        parts = parts[1:]
    value = parts[-1] if parts else None
    if value is not None and value.startswith("_"):
        value = None
    return split, value


def _split_lists(layout: Layout, names: list[str], lists: Mapping[str, bytes]) -> None:
    listed: dict[str, str] = {}
    for filename, data in lists.items():
        split = SPLIT_LISTS[filename]
        for line in data.decode("utf-8", "replace").splitlines():
            if line.strip():
                listed[line.strip()] = split
    for name in names:
        layout.metadata.setdefault(name, {})["split"] = listed.get(name, "train")
    layout.notes.append(
        f"Speech Commands split lists: {sum(1 for n in names if n in listed)} files in "
        "validation or test, the rest in train."
    )


def _rows(table: Table) -> list[dict[str, Any]]:
    if len(table.data) > MAX_TABLE_BYTES:
        raise InvalidInput(
            f"{table.name} is larger than {MAX_TABLE_BYTES >> 20} MB.", code="bad_metadata"
        )
    try:
        text = table.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{table.name} is not UTF-8 text.", code="bad_metadata") from None
    if table.name.lower().endswith((".jsonl", ".ndjson")):
        return _json_lines(table.name, text)
    dialect = "excel-tab" if table.name.lower().endswith(".tsv") else "excel"
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        rows = [dict(row) for row in reader]
    except csv.Error as exc:
        raise InvalidInput(
            f"{table.name}, line {reader.line_num}: {exc}.", code="bad_metadata"
        ) from None
    columns = reader.fieldnames or []
    if len(columns) > MAX_COLUMNS:
        raise InvalidInput(
            f"{table.name} has more than {MAX_COLUMNS} columns.", code="bad_metadata"
        )
    for row in rows:
        if None in row:  # more cells than the header names
            raise InvalidInput(
                f"{table.name}: a row has more cells than the header's {len(columns)} columns.",
                code="bad_metadata",
            )
    for column in columns:
        cells = [row.get(column) for row in rows if row.get(column) not in ("", None)]
        if cells and all(NUMBER.fullmatch(str(c)) for c in cells):
            for row in rows:
                cell = row.get(column)
                if cell not in ("", None):
                    number = float(str(cell))
                    row[column] = (
                        int(number) if number.is_integer() and "." not in str(cell) else number
                    )
    return rows


def _json_lines(name: str, text: str) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise InvalidInput(f"{name}, line {number}: not JSON.", code="bad_metadata") from None
        if not isinstance(row, dict):
            raise InvalidInput(
                f"{name}, line {number}: each line must be a JSON object.", code="bad_metadata"
            )
        rows.append(row)
    return rows


def _key_column(table: Table, rows: list[dict[str, Any]]) -> str:
    columns = list(rows[0]) if rows else []
    for key in KEY_COLUMNS:
        if key in columns:
            return key
    raise InvalidInput(
        f"{table.name} has no column naming the audio file: call it "
        + " or ".join(repr(k) for k in KEY_COLUMNS[:3])
        + ".",
        code="bad_metadata",
    )


def _match(value: str, folder: str, by_path: set[str], by_file: dict[str, list[str]]) -> str | None:
    value = value.replace("\\", "/").strip().removeprefix("./")
    if not value:
        return None
    joined = posixpath.normpath(posixpath.join(folder, value)) if folder else value
    if joined in by_path:
        return joined
    if value in by_path:
        return value
    same = by_file.get(posixpath.basename(value), [])
    return same[0] if len(same) == 1 else None
