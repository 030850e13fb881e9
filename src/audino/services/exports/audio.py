"""The audio an export cuts into clips, read from this instance's storage."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from audino.formats.records import Recording
from audino.storage.blobs import BlobStore


class StorageClips:
    """A `ClipSource` over the blob store: one decoding pass per recording."""

    def __init__(self, storage: BlobStore) -> None:
        self.storage = storage

    def __call__(
        self,
        recording: Recording,
        spans: Sequence[tuple[float, float, int | None]],
        *,
        sample_rate: int,
        channels: int,
        codec: str,
    ) -> Iterator[bytes]:
        from audino.audio.clips import cut

        local = self.storage.local_path(recording.storage_key)
        if local is not None:
            yield from cut(local, spans, sample_rate=sample_rate, channels=channels, codec=codec)
            return
        with self.storage.open(recording.storage_key) as source:
            yield from cut(source, spans, sample_rate=sample_rate, channels=channels, codec=codec)
