"""`python -m bot` runs the command line."""

from .interfaces.cli import main

main(prog_name="python -m bot")
