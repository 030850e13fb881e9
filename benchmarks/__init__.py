"""Speed benchmarks: `uv run python benchmarks/run.py` (see run.py)."""
