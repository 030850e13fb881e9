"""Stored audio: receiving uploads, the ingest job that derives peaks, thumbnails and playback
copies, reading what it derived, and removing blobs nothing uses any more."""
