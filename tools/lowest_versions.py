"""Print pip constraints that pin every run-time dependency to the lowest version pyproject allows.

CI installs the project with these constraints (``pip install -c FILE '.[test]'``) and runs the
tests, so a floor in ``pyproject.toml`` is a promise that was tried, not a guess. Test-only tools
are left free: the floors that matter are those a zone's installation may end up with.

    python tools/lowest_versions.py > /tmp/lowest.txt
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("postgres", "serve")  # installed by zones; "test" is the developers' own tool set


def requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[Requirement]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    found = [Requirement(text) for text in project["dependencies"]]
    for extra in EXTRAS:
        found += [Requirement(text) for text in project["optional-dependencies"][extra]]
    return found


def floor(requirement: Requirement) -> str:
    """The version after ``>=``; a run-time dependency without one is a mistake in pyproject."""
    floors = [spec.version for spec in requirement.specifier if spec.operator == ">="]
    if len(floors) != 1:
        raise ValueError(
            f"{requirement.name}: needs exactly one '>=' floor, has {requirement.specifier or 'none'}"
        )
    return floors[0]


def constraints() -> list[str]:
    lines = []
    for requirement in requirements():
        pinned = f"{requirement.name}=={floor(requirement)}"
        if requirement.marker is not None:
            pinned += f"; {requirement.marker}"
        lines.append(pinned)
        # psycopg[binary] pulls psycopg-binary at the same version: pin it too.
        for extra in sorted(requirement.extras):
            lines.append(f"{requirement.name}-{extra}=={floor(requirement)}")
    return lines


def main() -> int:
    try:
        print("\n".join(constraints()))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
