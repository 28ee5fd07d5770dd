"""The floors in pyproject.toml are true: CI installs exactly them and runs the suite.

`tools/lowest_versions.py` turns every run-time floor into a pin; `.ci/run` installs the project
with those pins in a venv of its own and runs the tests there with ``CAFEPOL_EXPECT_LOWEST`` set,
which makes `test_the_lowest_versions_are_what_is_installed` check the venv really holds them
(so a resolver that quietly took newer releases can't make the step pass for nothing).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lowest_versions  # noqa: E402


def _pins(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        requirement = line.split(";")[0].strip()
        if requirement:
            name, version = requirement.split("==")
            pins[name] = version
    return pins


def test_every_run_time_dependency_has_one_floor_and_is_pinned_to_it() -> None:
    pins = _pins("\n".join(lowest_versions.constraints()))
    for requirement in lowest_versions.requirements():
        assert pins[requirement.name] == lowest_versions.floor(requirement)
    # The floors that broke before: migrator.migrate() and add_missing_timezones().
    assert Version(pins["peewee"]) >= Version("4.4") and Version(pins["icalendar"]) >= Version(
        "6.1"
    )
    # zoneinfo needs tzdata wherever the system has no zone database, not only on Windows.
    tzdata = next(r for r in lowest_versions.requirements() if r.name == "tzdata")
    assert tzdata.marker is None


def test_a_dependency_without_a_floor_is_refused() -> None:
    with pytest.raises(ValueError, match="tzdata"):
        lowest_versions.floor(lowest_versions.Requirement("tzdata"))


def test_the_script_prints_the_constraints_pip_reads() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "lowest_versions.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert re.fullmatch(r"([A-Za-z0-9_.-]+==[0-9][^\s;]*(; .+)?\n)+", done.stdout)


def test_ci_installs_the_lowest_versions_and_runs_the_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "tools/lowest_versions.py" in ci
    assert re.search(r'pip" install -q -c "\$lowest/constraints.txt" \'\.\[test\]\'', ci)
    assert re.search(r"CAFEPOL_EXPECT_LOWEST=.*pytest", ci)


@pytest.mark.skipif(
    not os.environ.get("CAFEPOL_EXPECT_LOWEST"), reason="only in CI's lowest-versions run"
)
def test_the_lowest_versions_are_what_is_installed() -> None:
    pins = _pins(Path(os.environ["CAFEPOL_EXPECT_LOWEST"]).read_text(encoding="utf-8"))
    installed = {name: metadata.version(name) for name in pins}
    assert installed == pins
