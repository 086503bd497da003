"""``python -m tui.sandbox``: the same as ``carman sandbox``."""

from __future__ import annotations

import argparse

from tui.sandbox.cli import add_arguments, run


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tui.sandbox", description="Run carman's offline Smartcar sandbox."
    )
    add_arguments(parser)
    return run(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
