"""``python -m simulator``: the ``vss-sim`` command line."""

from .cli import main

main(prog_name="python -m simulator")
