"""The dataset formats audino reads and writes, registered by name.

Each format module defines an export and, when it can read its files back, an import,
then describes itself with a `Format`. A single-stream format (audino, audino-v1) has
`export(dataset) -> Iterator[bytes]` and `import_(data: bytes) -> Dataset`; a `files`
format has `export(dataset, options) -> Iterator[OutputFile]` (written into a zip or a
folder) and `import_(files: list[InputFile]) -> Dataset`. Built-in formats are registered
the same way a third-party one would be: `register(...)`.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from audino.formats.files import InputFile, OutputFile
from audino.formats.options import ExportOptions
from audino.formats.projection import Projection
from audino.formats.records import Dataset, FormatError
from audino.formats.report import REPORT_FILE, ExportReport
from audino.formats.splits import SplitPlan, item_keys

Exporter = Callable[[Dataset], Iterator[bytes]]
Importer = Callable[[bytes], Dataset]
FilesExporter = Callable[[Dataset, ExportOptions], Iterator[OutputFile]]
FilesImporter = Callable[[list[InputFile]], Dataset]

BUILTIN_MODULES = tuple(
    f"audino.formats.{name}"
    for name in (
        "audino_native", "audino_v1", "rttm", "textgrid", "eaf", "audacity", "raven",
        "subtitles", "csv_table", "ctm", "kaldi", "nemo", "labelstudio", "prodigy",
        "librispeech", "commonvoice", "audiofolder", "vctk", "voxceleb", "voxpopuli",
        "tedlium", "librivox", "audino_cvat",
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    description: str  # one line, shown by `audino export --list-formats` and /api/formats
    export: Callable[..., Iterator[Any]]  # Exporter, or FilesExporter when `files`
    import_: Callable[[Any], Dataset] | None = None  # Importer, or FilesImporter when `files`
    media_type: str = "application/json"
    extension: str = ".json"
    # True when a file carries annotations but no audio metadata: importing adds them to
    # datapoints already in a project, matched by file name, instead of creating datapoints.
    matches_files: bool = False
    files: bool = False  # export yields OutputFiles, import reads a list of InputFiles
    # A files format that always writes exactly one file: sent as that file, not a zip.
    single_file: bool = False
    clips: bool = False  # the export cuts audio clips (needs ExportOptions.clips)
    # Which export options the format uses (the web app shows only those):
    speakers: bool = False  # ExportOptions.speaker_label
    genders: bool = False  # ExportOptions.gender_label
    splits: bool = False  # ExportOptions.splits and split_by
    locale: bool = False  # ExportOptions.locale
    audio_root: bool = False  # ExportOptions.audio_root (absolute paths to the audio)
    audio_urls: bool = False  # audio_root may also be a base URL (http, https)
    # Keeps a long recording's windows as records of their own (parent and offset); other
    # formats get each recording whole, with its windows' annotations.
    windows: bool = False

    @property
    def can_import(self) -> bool:
        return self.import_ is not None

    @property
    def download_extension(self) -> str:
        return ".zip" if self.files and not self.single_file else self.extension

    @property
    def download_media_type(self) -> str:
        return "application/zip" if self.files and not self.single_file else self.media_type

    def output_files(
        self, dataset: Dataset, options: ExportOptions, report: ExportReport | None = None
    ) -> Iterator[OutputFile]:
        """The export as files, whatever kind of exporter the format has. What the format
        could not carry is counted in `report` (a fresh one when not given) and, for a
        multi-file format, written last as `export-report.json` when there is anything."""
        if self.files:
            report = ExportReport() if report is None else report
            options = dataclasses.replace(options, report=report)
            if self.splits and options.splits and options.split_plan is None:
                options = dataclasses.replace(options, split_plan=plan_splits(dataset, options))
            yield from self.export(dataset, options)
            if not report.empty and not self.single_file:
                yield report.file(self.name)
        else:
            yield OutputFile(f"{self.name}{self.extension}", self.export(dataset))

    def read(self, files: list[InputFile]) -> Dataset:
        """The records in uploaded files; a single-stream format takes exactly one."""
        if self.import_ is None:
            raise FormatError(f"the {self.name} format cannot be imported")
        if self.files:
            # An export's own report is not one of the format's files.
            files = [f for f in files if f.name.rsplit("/", 1)[-1] != REPORT_FILE]
            if not files:
                raise FormatError("no files to import")
            return self.import_(files)
        if len(files) != 1:
            raise FormatError(f"the {self.name} format imports one file, not {len(files)}")
        return self.import_(files[0].data)


def plan_splits(dataset: Dataset, options: ExportOptions) -> SplitPlan:
    """The splits of records given as a list (or another sequence): one pass over it. A
    caller that streams its records plans the splits itself (`SplitPlan.from_keys`)."""
    if not isinstance(dataset.items, Sequence):
        raise ValueError("records that stream need their SplitPlan in the options")
    view = Projection(dataset, options)
    keys = item_keys(dataset.items, options.split_by == "speaker", view.speaker)
    return SplitPlan.from_keys(keys, options.splits)


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
