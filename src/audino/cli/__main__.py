"""`python -m audino.cli`: the same command as `audino`."""

from audino.cli import main

main()
