"""Agreement, evaluation and validation rules as pure functions on plain records.

Nothing here touches the database or HTTP. Import the modules you need
(`audino.quality.agreement`, `audino.quality.summary`); this package imports none of them,
so the server pays for scipy and jiwer only when it first computes a figure.
"""
