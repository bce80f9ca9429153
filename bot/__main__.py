"""`python -m bot` runs the command line."""

from .cli import main

main(prog_name="python -m bot")
