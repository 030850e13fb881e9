"""Project templates: ready-made setups for common speech and bioacoustics tasks.

The built-in templates are template documents (see `audino.services.templates` for the
format) kept in `builtin.py`; they are read and checked the same way as templates saved
by managers or imported from a file.
"""

from audino.templates.builtin import BUILTINS

__all__ = ["BUILTINS"]
