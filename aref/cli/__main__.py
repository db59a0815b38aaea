"""``python -m aref.cli``: the same as the ``aref`` console script."""

from aref.cli.main import cli

if __name__ == "__main__":
    cli(prog_name="aref")
