"""This checkout installed as a user installs it, for the benchmarks that time whole commands.

`pip install '.[postgres]'` into a virtual environment of its own (under the system's temporary
folder, one per checkout): the dependencies once, this checkout's code again whenever it
changed (a plain, non-editable install, compiled to bytecode as pip does). Commands run there
without PYTHONPATH, so they import the installed copy and nothing from the checkout.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
TAG = hashlib.sha1(str(CHECKOUT).encode()).hexdigest()[:8]
FOLDER = Path(tempfile.gettempdir()) / f"cafepol-bench-{TAG}"


def installed_env() -> dict[str, str]:
    """Our environment less PYTHONPATH: the virtual environment runs its installed copy."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def installed_python() -> str:
    """The virtual environment's python, with this checkout's current code installed."""
    FOLDER.mkdir(exist_ok=True)
    venv = FOLDER / "venv-postgres"
    python = venv / "bin" / "python"
    if not python.exists():
        print("installing the kiosk into a fresh virtual environment…")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-qq", f"{CHECKOUT}[postgres]"],
                       check=True)
    digest = hashlib.sha1()
    for file in sorted((CHECKOUT / "cafepol_tui").rglob("*")):
        if file.is_file() and "__pycache__" not in file.parts:
            digest.update(str(file.relative_to(CHECKOUT)).encode() + file.read_bytes())
    digest.update((CHECKOUT / "pyproject.toml").read_bytes())
    stamp = venv / "cafepol-source"
    if not stamp.exists() or stamp.read_text() != digest.hexdigest():
        print("installing this checkout's code into the virtual environment…")
        subprocess.run([str(python), "-m", "pip", "install", "-qq", "--no-deps",
                        "--force-reinstall", f"{CHECKOUT}[postgres]"], check=True)
        stamp.write_text(digest.hexdigest())
    check = subprocess.run([str(python), "-c", "import psycopg, cafepol_tui; "
                            "print(cafepol_tui.__file__)"], check=True, capture_output=True,
                           text=True, cwd=FOLDER, env=installed_env())
    assert "site-packages" in check.stdout, check.stdout  # the installed copy, not a checkout
    return str(python)
