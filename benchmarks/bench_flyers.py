"""Flyers, whole command: `cafepol flyer` against a bare fpdf2 + qrcode script, both as fresh processes.

Targets (issue #13 item 8, issue #3):
- 500 mailbox flyers 4-up (125 A4 pages): `cafepol --db FILE flyer ID --layout a4-4up
  --copies 500 --out FILE` within 1.5 x a bare script drawing the same 125 pages; the file
  under 1.5 MB;
- one flyer: `cafepol --db FILE flyer ID --out FILE` (one A5 page) within 1.3 x the same bare
  script drawing that one page.

The bare script is what one would write with fpdf2 and qrcode alone: the same two DejaVu
faces (TTF), the same texts (taken from the meeting the command prints, in its language), the
same logo and QR image, `multi_cell` for the wrapped paragraphs, cut marks; none of our safety
nets (no text cleaning, no shrink-to-fit, no Arabic switch, no database, no settings, no log).
Both run as fresh processes, from launch to exit, in turns so that drift on a shared machine
hits both alike, with the python of a virtual environment where this checkout is installed by
`pip install '.[postgres]'` (benchmarks/installed.py; `--here`: this interpreter and checkout);
the median wall time of each is compared (best and CPU time are shown too).

    python benchmarks/bench_flyers.py [--runs 5] [--here]

Exit status 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from installed import CHECKOUT, installed_env, installed_python  # benchmarks/installed.py

# argv: out.pdf spec.json — spec holds the texts, fonts, logo, URL, layout and copies.
BARE = r'''
import json, sys
import qrcode
import qrcode.constants
from fpdf import FPDF

out, spec = sys.argv[1], json.load(open(sys.argv[2]))
s = spec["scale"]
pdf = FPDF(unit="mm", format=spec["page"])
pdf.set_auto_page_break(False)
pdf.set_margins(0, 0, 0)
pdf.c_margin = 0
pdf.add_font("DejaVu", "", spec["regular"])
pdf.add_font("DejaVu", "B", spec["bold"])
code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
code.add_data(spec["url"])
code.make(fit=True)
qr = code.make_image().get_image().convert("1")
blue, grey = (24, 52, 102), (120, 120, 120)
for _page in range(spec["pages"]):
    pdf.add_page()
    for ox, oy in spec["slots"]:
        pdf.image(spec["logo"], ox + 10 * s, oy + 9 * s, 16 * s, 16 * s)
        pdf.set_text_color(*blue)
        pdf.set_font("DejaVu", "B", 11 * s)
        pdf.set_xy(ox + 30 * s, oy + 11 * s)
        pdf.cell(108 * s, 5, spec["zone"])
        pdf.set_draw_color(*blue)
        pdf.set_line_width(0.6 * s)
        pdf.line(ox + 10 * s, oy + 28 * s, ox + 138 * s, oy + 28 * s)
        below = {}  # per column: the y under what was drawn last, so wrapped text pushes on
        for size, style, color, text, x, y, w, wrap in spec["lines"]:
            pdf.set_text_color(*color)
            pdf.set_font("DejaVu", style, size * s)
            top = max(oy + y * s, below.get(x, 0))
            pdf.set_xy(ox + x * s, top)
            if wrap:
                pdf.multi_cell(w * s, size * s * 0.3528 * 1.3, text, align="L")
                below[x] = pdf.get_y()
            else:
                pdf.cell(w * s, size * s * 0.3528 * 1.25, text)
                below[x] = top + size * s * 0.3528 * 1.25
        pdf.set_line_width(0.4 * s)
        pdf.line(ox + 10 * s, oy + 148 * s, ox + 138 * s, oy + 148 * s)
        pdf.image(qr, ox + 10 * s, oy + 150 * s, 46 * s, 46 * s)
    pdf.set_draw_color(190, 190, 190)
    pdf.set_line_width(0.2)
    for x1, y1, x2, y2 in spec["cuts"]:
        pdf.line(x1, y1, x2, y2)
pdf.output(out)
'''

FOUR_UP = dict(
    page=(210.0, 297.0),
    scale=105.0 / 148.0,
    slots=((0.0, 0.5), (105.0, 0.5), (0.0, 148.5), (105.0, 148.5)),
    cuts=((105, 0, 105, 6), (105, 291, 105, 297), (0, 148.5, 6, 148.5), (204, 148.5, 210, 148.5),
          (102, 148.5, 108, 148.5), (105, 145.5, 105, 151.5)),
)
ONE_A5 = dict(page=(148.0, 210.0), scale=1.0, slots=((0.0, 0.0),), cuts=())

# Packages the flyer command has no use for (the kiosk's UI, Babel's CLDR, the PostgreSQL
# driver with a SQLite database): any it loads is reported, and fails the run.
NOT_WANTED = ("textual", "babel", "psycopg")


HERE = False


def child_env(folder: Path) -> dict[str, str]:
    # cafepol's log, settings and copies go to the bench folder, not the user's.
    return {**(dict(os.environ) if HERE else installed_env()), "XDG_DATA_HOME": str(folder / "data"),
            "XDG_STATE_HOME": str(folder / "state"), "XDG_CONFIG_HOME": str(folder / "config")}


def prepare(folder: Path, python: str) -> tuple[str, int, dict]:
    """A demo database, the meeting to print, and the texts of its flyer for the bare script."""
    sys.path.insert(0, str(CHECKOUT))
    from cafepol_tui.db.open import open_database
    from cafepol_tui.documents import fonts
    from cafepol_tui.documents.texts import (
        COMMUNE,
        HEADLINE,
        INTERESTED,
        OFFICER,
        PARTNERS,
        SIGNUP_COUNTER,
        SIGNUP_KIOSK,
        SIGNUP_PHONE,
        SIGNUP_TITLE,
        THEMES,
        day_and_hours,
        phone_for_print,
        t,
    )
    from cafepol_tui.i18n import language
    from cafepol_tui.services.meetings import get_meeting, list_upcoming
    from cafepol_tui.settings import Settings

    db_path = folder / "flyers.sqlite3"
    if not db_path.exists():
        subprocess.run([python, "-m", "cafepol_tui", "--db", str(db_path), "seed",
                        "--demo"], check=True, env=child_env(folder), capture_output=True)
    settings = Settings()
    db = open_database(str(db_path))
    with db.connection_context():
        meeting = next(
            m for m in (get_meeting(s.id) for s in list_upcoming())
            if m.event_url and m.partners and m.themes and m.officer_phone and m.commissariat
        )
    with language("fr"):  # the command's language: the default settings' French
        day, hours = day_and_hours(meeting.starts_at, meeting.ends_at, "fr")
        black, blue, grey, body = (0, 0, 0), (24, 52, 102), (120, 120, 120), (60, 60, 60)
        # (size, style, colour, text, x, y, width, wrapped), A5 millimetres
        lines = [
            (9, "", grey, t(COMMUNE, commune=meeting.commune), 30, 17, 108, False),
            (22, "B", blue, t(HEADLINE), 10, 31, 128, True),
            (17, "B", black, day, 10, 54, 128, False),
            (15, "", black, hours, 10, 61, 128, False),
            (13.5, "B", black, meeting.place, 10, 70, 128, False),
            (11, "", black, meeting.address, 10, 76, 128, False),
            (11, "", black, t(COMMUNE, commune=meeting.commune), 10, 81, 128, False),
            (10.5, "", black, t(OFFICER, name=meeting.officer_name), 10, 90, 128, False),
            (10.5, "", black, t(PARTNERS, names=", ".join(meeting.partners)), 10, 95, 128, True),
            (10.5, "", black, t(THEMES, names=" · ".join(meeting.themes)), 10, 100, 128, True),
            (9.5, "", body, t(settings.documents.intro_text), 10, 107, 128, True),
            (13, "B", blue, t(SIGNUP_TITLE), 59, 152, 79, False),
            (10, "", black, t(SIGNUP_COUNTER, place=meeting.commissariat), 59, 158, 79, True),
            (10.5, "B", black, t(SIGNUP_PHONE, phone=phone_for_print(meeting.officer_phone)),
             59, 167, 79, False),
            (9.5, "", black, t(SIGNUP_KIOSK), 59, 172, 79, False),
            (7.5, "", grey, t(INTERESTED), 59, 178, 79, True),
            (8.5, "", grey, meeting.event_url, 10, 196, 128, False),
        ]
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=meeting.duration_min)
    spec = dict(
        regular=str(fonts.font_path("DejaVu")), bold=str(fonts.font_path("DejaVu", "B")),
        logo=str(fonts.logo_path()), url=meeting.event_url, zone=settings.zone_name,
        lines=lines,
    )
    return str(db_path), meeting.id, spec


def run(command: list[str], folder: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh process, launch to exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, env=child_env(folder), capture_output=True, cwd=folder)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def loaded_packages(command: list[str], folder: Path) -> set[str]:
    """The top-level packages a command (`python -m module …` or `python script …`) had loaded
    when it exited."""
    if command[1] == "-m":
        start, args = f"runpy.run_module({command[2]!r}, run_name='__main__', alter_sys=True)", command[3:]
    else:
        start, args = f"runpy.run_path({command[1]!r}, run_name='__main__')", command[2:]
    listing = folder / "modules.txt"
    probe = ("import atexit, runpy, sys\n"
             f"atexit.register(lambda: open({str(listing)!r}, 'w').write(' '.join(sys.modules)))\n"
             f"sys.argv = ['x', *sys.argv[1:]]\n{start}\n")
    subprocess.run([command[0], "-c", probe, *args], env=child_env(folder), capture_output=True,
                   cwd=folder, check=True)
    return {name.split(".")[0] for name in listing.read_text().split() if not name.startswith("_")}


def compare(name: str, ours: list[str], bare: list[str], folder: Path, runs: int,
            target: float, out: Path, size_limit: float | None = None) -> bool:
    run(bare, folder)  # warm the file cache for both
    run(ours, folder)
    times: dict[str, list[tuple[float, float]]] = {"bare": [], "ours": []}
    sizes: dict[str, int] = {}
    for _ in range(runs):
        for side, command in (("bare", bare), ("ours", ours)):
            times[side].append(run(command, folder))
            sizes[side] = (out.with_suffix(".bare.pdf") if side == "bare" else out).stat().st_size
    med = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    best = {k: min(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    ratio = med["ours"] / med["bare"]
    print(f"\n{name}: whole process, {runs} runs each in turns")
    print(f"  {'':<34} {'median':>8} {'best':>8} {'CPU':>8} {'file':>9}")
    for side, label in (("bare", "bare fpdf2 + qrcode script"), ("ours", "cafepol flyer")):
        print(f"  {label:<34} {med[side]:7.2f}s {best[side]:7.2f}s {cpu[side]:7.2f}s "
              f"{sizes[side] / 1e6:7.2f}MB")
    mine, theirs = loaded_packages(ours, folder), loaded_packages(bare, folder)
    extra = sorted(name for name in mine - theirs if name not in sys.stdlib_module_names)
    print(f"  packages the command loads and the bare script does not: {', '.join(extra)}")
    unwanted = [name for name in NOT_WANTED if name in mine]
    print(f"  of those it has no use for ({', '.join(NOT_WANTED)}): {', '.join(unwanted) or 'none'}")
    ok = ratio <= target and not unwanted
    print(f"  ratio ours/bare: {ratio:.2f} (median; best {best['ours'] / best['bare']:.2f}, "
          f"CPU {cpu['ours'] / cpu['bare']:.2f}); target ≤ {target:.2f}: "
          f"{'PASS' if ok else 'FAIL'}")
    if size_limit is not None:
        small = sizes["ours"] < size_limit
        print(f"  our file {sizes['ours'] / 1e6:.2f} MB; target < {size_limit / 1e6:.2f} MB: "
              f"{'PASS' if small else 'FAIL'}")
        ok = ok and small
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--here", action="store_true",
                        help="this interpreter and checkout instead of the installed copy")
    args = parser.parse_args()
    global HERE
    HERE = args.here
    python = sys.executable if HERE else installed_python()
    folder = Path(tempfile.mkdtemp(prefix="cafepol-bench-flyers-"))
    db, meeting_id, spec = prepare(folder, python)
    bare_script = folder / "bare.py"
    bare_script.write_text(BARE)
    cafepol = [python, "-m", "cafepol_tui", "--db", db, "flyer", str(meeting_id)]
    print(f"meeting {meeting_id}; {python}")

    results = []
    for name, layout, copies, target, size_limit in (
        ("500 flyers, a4-4up = 125 A4 pages", FOUR_UP, 500, 1.5, 1_500_000),
        ("one flyer, A5 (one page)", ONE_A5, 1, 1.3, None),
    ):
        per_page = len(layout["slots"])
        pages = -(-copies // per_page)
        out = folder / f"flyer-{copies}.pdf"
        spec_file = folder / f"spec-{copies}.json"
        spec_file.write_text(json.dumps({**spec, **layout, "pages": pages}))
        bare = [python, str(bare_script), str(out.with_suffix(".bare.pdf")), str(spec_file)]
        ours = [*cafepol, "--out", str(out)]
        if copies > 1:
            ours[-2:-2] = ["--layout", "a4-4up", "--copies", str(copies)]
        results.append(compare(name, ours, bare, folder, args.runs, target, out, size_limit))
    ok = all(results)
    print("\nPASS" if ok else "\nFAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
