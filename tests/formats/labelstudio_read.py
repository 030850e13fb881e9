"""Label Studio's own SDK on our Label Studio export, and writing a task the SDK's way.

Run by tests/formats/test_labelstudio.py in `.venv-labelstudio` (label-studio-sdk pulls in
OpenCV, lxml, nltk and more, so it stays out of our environment):

    python labelstudio_read.py read DIR    # DIR holds tasks.json and labeling-config.xml
    python labelstudio_read.py write DIR   # writes DIR/written.json from DIR's config

`read` prints one JSON object: `errors` (the SDK's LabelInterface validation of the config
and of every annotation and prediction: empty when all pass) and `records` (the SDK
converter's JSON-MIN export of the tasks: one record per annotation, with its annotator
and a field per control). `write` builds a task with regions made by the SDK's own
controls (`control.label(...)`), as an annotation and a prediction, the shape Label Studio
exports.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any


def read(root: Path) -> dict[str, Any]:
    from label_studio_sdk.converter import Converter
    from label_studio_sdk.label_interface import LabelInterface

    config = (root / "labeling-config.xml").read_text()
    interface = LabelInterface(config)
    errors: list[str] = []
    try:
        interface.validate()
    except Exception as exc:  # the SDK raises plain exceptions for a bad config
        errors.append(f"config: {exc}")
    tasks = json.loads((root / "tasks.json").read_text())
    for task in tasks:
        # validate_task's own check (it then calls validate_annotation() wrongly)
        for obj in interface.objects:
            if obj.value_is_variable and task["data"].get(obj.value_name) is None:
                errors.append(f"task {task.get('id')}: no data for {obj.value_name}")
        for kind in ("annotations", "predictions"):
            for k, item in enumerate(task.get(kind) or []):
                found = interface._validate_object(item, return_errors=True)
                errors.extend(f"task {task.get('id')} {kind}[{k}]: {e}" for e in found)
    with tempfile.TemporaryDirectory() as out:
        converter = Converter(config, str(root), download_resources=False)
        converter.convert(str(root / "tasks.json"), out, "JSON_MIN", is_dir=False)
        records = json.loads((Path(out) / "result.json").read_text())
    return {"errors": errors, "records": records}


def write(root: Path) -> None:
    from label_studio_sdk.label_interface import LabelInterface

    interface = LabelInterface((root / "labeling-config.xml").read_text())
    speaker, text = interface.get_control("speaker"), interface.get_control("transcription")
    emotion, note = interface.get_control("emotion"), interface.get_control("note")
    mood = interface.get_control("mood")

    def region(start: float, end: float, who: str, words: str, feeling: str) -> list[Any]:
        span = {"start": start, "end": end, "channel": 0}
        parts = [
            speaker.label(label=[who], **span),
            text.label(text=[words], **span),
            emotion.label(choices=[feeling], **span),
            note.label(text=[f"{who} & <laughs>"], **span),
        ]
        for part in parts[1:]:
            part.id = parts[0].id  # one region: Label Studio shares the id
        return [json.loads(part.to_json()) for part in parts]

    result = [
        *region(0.5, 1.75, "Ann Lee", "hello\tthere", "happy"),
        *region(2.0, 3.25, "Bo", "नमस्ते", "sad"),
        json.loads(mood.label(choices=["calm"]).to_json()),
    ]
    task = {
        "id": 7,
        "data": {"audio": "/data/upload/1/0a1b2c3d-call_one.wav"},
        "annotations": [
            {
                "id": 1,
                "completed_by": 3,
                "created_username": "alice, 3",
                "was_cancelled": False,
                "ground_truth": False,
                "result": result,
            },
            {"id": 2, "completed_by": 4, "was_cancelled": True, "result": result},
        ],
        "predictions": [
            {
                "model_version": "vad 1",
                "score": 0.5,
                "result": [json.loads(speaker.label(label=["Bo"], start=4.0, end=5.0).to_json())],
            }
        ],
    }
    (root / "written.json").write_text(json.dumps([task], ensure_ascii=False))


if __name__ == "__main__":
    command, folder = sys.argv[1], Path(sys.argv[2])
    if command == "read":
        print(json.dumps(read(folder)))
    else:
        write(folder)
