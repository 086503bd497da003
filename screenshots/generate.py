"""Regenerate the SVG screenshots in this directory from the sandbox, deterministically.

    python screenshots/generate.py            # every scene and every theme
    python screenshots/generate.py main help  # just these

Fixed seed, size, ports and clocks (see scenes.py): a clean checkout gives the same files.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from screenshots.scenes import SCENES, SIZE, stage  # noqa: E402
from tui.core.theme_files import load_themes, shipped_themes_dir, theme_files  # noqa: E402


async def capture(name: str, out: Path, theme: str | None = None) -> Path:
    scene = SCENES["main" if theme else name]
    with (
        tempfile.TemporaryDirectory(prefix="carman-shot-") as root,
        stage(Path(root), theme=theme) as current,
    ):
        app = current.app
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await scene(pilot)
            target = out / f"{name}.svg"
            app.save_screenshot(filename=target.name, path=str(out))
            for flow in list(app.active_logins):  # free the callback port for the next one
                flow.cancel()
                flow.stop()
            return target


def theme_names() -> list[str]:
    """The shipped themes only: a user's own themes never end up in the repository."""
    shipped = shipped_themes_dir()
    return (
        sorted(load_themes(shipped_dir=shipped, user_dir=shipped / "none").themes)
        if shipped and theme_files(shipped)
        else []
    )


async def generate(names: list[str], out: Path) -> list[Path]:
    written = []
    for name in names:
        if name.startswith("theme-"):
            written.append(await capture(name, out, theme=name.removeprefix("theme-")))
        else:
            written.append(await capture(name, out))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenes to capture (default: all)")
    parser.add_argument("--out", type=Path, default=HERE, help="directory for the SVG files")
    args = parser.parse_args(argv)
    everything = list(SCENES) + [f"theme-{name}" for name in theme_names()]
    names = args.names or everything
    unknown = [n for n in names if n not in everything]
    if unknown:
        print(f"unknown scene(s): {', '.join(unknown)}; known: {', '.join(everything)}")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(generate(names, args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
