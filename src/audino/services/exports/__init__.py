"""Exporting: a project read as records for a format, streamed to a file or kept for
download by a job."""
