"""Label schemas: labels and their values, checks of annotation content against them, and
values by id (as stored) or by name (as formats see them)."""
