"""audino: collaborative audio annotation."""

__version__ = "0.1.0"
