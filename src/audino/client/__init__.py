"""A Python client for audino's REST API, for ML engineers' scripts: push predictions, run
models and wait for them, pull training data. It uses the standard library only (datasets and
lhotse are imported when asked for) and imports nothing of the server.

    from audino.client import Client
    client = Client("http://localhost:8000", api_key="aud_…")
"""

from audino.client.client import Client
from audino.client.errors import AudinoError, JobFailed, JobTimeout
from audino.client.records import Job, PredictionIn, Pushed

__all__ = ["AudinoError", "Client", "Job", "JobFailed", "JobTimeout", "PredictionIn", "Pushed"]
