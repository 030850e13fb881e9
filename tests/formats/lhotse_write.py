"""Writes files with lhotse's own writers, for tests/formats/test_lhotse_writers.py to
import: `python lhotse_write.py WHAT SPEC OUT`, run in `.venv-lhotse`.

SPEC is a JSON file: `{"recordings": [{"id", "path"}], "supervisions": [{"id",
"recording_id", "start", "duration", "text", "speaker", "language", "gender", "words":
[[symbol, start, duration, score]]}]}` (word times from the recording's start). WHAT is
`ctm` (`SupervisionSet.write_alignment_to_ctm`, into OUT/words.ctm) or `kaldi`
(`lhotse.kaldi.export_to_kaldi`, a data dir in OUT). Recordings are read from their
audio files (`Recording.from_file`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    from lhotse import Recording, RecordingSet, SupervisionSegment, SupervisionSet
    from lhotse.kaldi import export_to_kaldi
    from lhotse.supervision import AlignmentItem

    what, spec_path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    spec = json.loads(spec_path.read_text())
    recordings = RecordingSet.from_recordings(
        Recording.from_file(r["path"], recording_id=r["id"]) for r in spec["recordings"]
    )
    supervisions = SupervisionSet.from_segments(
        SupervisionSegment(
            id=s["id"],
            recording_id=s["recording_id"],
            start=s["start"],
            duration=s["duration"],
            channel=0,
            text=s["text"],
            speaker=s["speaker"],
            language=s.get("language"),
            gender=s.get("gender"),
            alignment={"word": [AlignmentItem(*w) for w in s["words"]]} if s.get("words") else None,
        )
        for s in spec["supervisions"]
    )
    out.mkdir(parents=True, exist_ok=True)
    if what == "ctm":
        supervisions.write_alignment_to_ctm(out / "words.ctm")
    elif what == "kaldi":
        export_to_kaldi(recordings, supervisions, out, prefix_spk_id=True)
    else:
        raise SystemExit(f"unknown: {what}")


if __name__ == "__main__":
    main()
