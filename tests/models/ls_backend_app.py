"""A real Label Studio ML backend (label-studio-ml's Flask app) for the `http` model's tests.

Run by .venv-lsml's Python, not audino's: `python ls_backend_app.py [BASIC_USER:PASS]`. It
prints the port it listens on, then serves. Its model downloads each task's audio the way
Label Studio backends do (`get_local_path`), reads its length with the wave module, and
answers regions computed from that length, labelled with the label config's own labels,
so a test that sees those numbers knows the audio and the config reached it.
"""

from __future__ import annotations

import base64
import sys
import wave
from typing import Any

from label_studio_ml.api import init_app
from label_studio_ml.model import LabelStudioMLBase
from werkzeug.serving import make_server


class DurationModel(LabelStudioMLBase):
    def predict(self, tasks: list[dict[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
        labels_name, info = next(
            (n, i) for n, i in self.parsed_label_config.items() if i["type"] == "Labels"
        )
        text_name = next(n for n, i in self.parsed_label_config.items() if i["type"] == "TextArea")
        audio_name, key = info["to_name"][0], info["inputs"][0]["value"]
        first, last = info["labels"][0], info["labels"][-1]
        out = []
        for task in tasks:
            with wave.open(self.get_local_path(task["data"][key])) as audio:
                duration = audio.getnframes() / audio.getframerate()
            half = round(duration / 2, 3)
            regions = [
                ("a", 0.25, half, first, 0.9, f"first half of {duration:.3f} s"),
                ("b", half, duration + 5.0, last, 0.6, ""),  # past the end: clipped
            ]
            result = []
            for rid, start, end, label, score, text in regions:
                where = {"start": start, "end": end}
                result.append(
                    {
                        "id": rid,
                        "from_name": labels_name,
                        "to_name": audio_name,
                        "type": "labels",
                        "score": score,
                        "value": where | {"labels": [label]},
                    }
                )
                if text:
                    result.append(
                        {
                            "id": rid,
                            "from_name": text_name,
                            "to_name": audio_name,
                            "type": "textarea",
                            "value": where | {"text": [text]},
                        }
                    )
            out.append({"result": result, "score": 0.75})
        return out


def main() -> None:
    app = init_app(DurationModel)
    if len(sys.argv) > 1:  # what label-studio-ml's _wsgi.py does with BASIC_AUTH_USER/PASS
        expected = "Basic " + base64.b64encode(sys.argv[1].encode()).decode()

        @app.before_request
        def check_auth() -> Any:
            from flask import request

            if request.headers.get("Authorization") != expected:
                return {"detail": "Unauthorized: wrong basic auth"}, 401
            return None

    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.port, flush=True)  # noqa: T201 - the parent reads the port from here
    server.serve_forever()


if __name__ == "__main__":
    main()
