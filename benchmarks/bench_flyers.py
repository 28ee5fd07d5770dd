"""500 flyers 4-up (125 A4 pages): cafepol's render_flyer against a bare fpdf2 + qrcode script.

The baseline draws the same 125 pages the plain way (same fonts, same texts, same QR image,
multi_cell for the wrapped paragraphs, cut marks), with none of our safety nets: no text
cleaning, no shrink-to-fit, no Arabic switch. Runs alternate, best of N each.

Target (issue #3): ours ≤ 1.5 × baseline, and the 125-page file under 1.5 MB.

    python benchmarks/bench_flyers.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

import qrcode
import qrcode.constants
from fpdf import FPDF

from cafepol_tui.documents import fonts
from cafepol_tui.documents.flyer import render_flyer
from cafepol_tui.services.meetings import MeetingDetail
from cafepol_tui.settings import Settings

COPIES = 500
CREATED = datetime(2026, 11, 1, tzinfo=UTC)
URL = "https://www.facebook.com/events/6761338179417106/"

MEETING = MeetingDetail(
    id=1,
    starts_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
    duration_min=120,
    commune="Boussu",
    place="Salle des fêtes de Hainin",
    address="Place de Hainin 1, 7321 Hainin",
    capacity=30,
    seats_taken=3,
    status="scheduled",
    event_url=URL,
    officer_name="Inspecteur Marc Dufrane",
    officer_phone="+3265712100",
    commissariat="Commissariat de Boussu",
    partners=("Gardiens de la Paix", "Toit & Moi (société de logement social)"),
    themes=("Nuisances de groupes de jeunes", "Senior Focus"),
    interested_count=12,
    description="",
    cancel_reason="",
    waitlist_count=0,
)


def ours(settings: Settings) -> bytes:
    return render_flyer(MEETING, settings, "a4-4up", COPIES, creation_date=CREATED)


def baseline(settings: Settings) -> bytes:
    """What one would write with fpdf2 and qrcode alone, for the same 125 pages."""
    s = 105.0 / 148.0
    pdf = FPDF(unit="mm", format=(210, 297))
    pdf.set_creation_date(CREATED)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.add_font("DejaVu", "", str(fonts.font_path("DejaVu")))
    pdf.add_font("DejaVu", "B", str(fonts.font_path("DejaVu", "B")))
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(URL)
    code.make(fit=True)
    qr = code.make_image().get_image().convert("1")
    logo = str(fonts.logo_path())
    end = MEETING.starts_at + timedelta(minutes=MEETING.duration_min)
    assert end
    lines = [
        (22, "B", "Un café avec votre policier de quartier", 31, True),
        (17, "B", "Mercredi 2 décembre 2026", 54, False),
        (15, "", "de 10 h à 12 h", 61, False),
        (13.5, "B", MEETING.place, 70, False),
        (11, "", MEETING.address, 76, False),
        (11, "", "Commune de Boussu", 81, False),
        (10.5, "", "Votre policier de quartier : Inspecteur Marc Dufrane", 90, False),
        (10.5, "", "Avec : " + ", ".join(MEETING.partners), 95, False),
        (10.5, "", "Thèmes : " + " · ".join(MEETING.themes), 100, False),
        (9.5, "", settings.documents.intro_text, 106, True),
        (13, "B", "Inscription gratuite", 152, False),
        (10, "", "au guichet du Commissariat de Boussu", 158, False),
        (10.5, "B", "par téléphone : 065 71 21 00", 163, False),
        (9.5, "", "ou sur la borne du commissariat", 168, False),
        (
            7.5,
            "",
            "Scannez le code et cliquez « Intéressé(e) » : nous saurons combien prévoir.",
            173,
            True,
        ),
        (8.5, "", URL, 196, False),
    ]
    slots = ((0.0, 0.5), (105.0, 0.5), (0.0, 148.5), (105.0, 148.5))
    for _page in range(COPIES // 4):
        pdf.add_page()
        for ox, oy in slots:
            pdf.image(logo, ox + 10 * s, oy + 9 * s, 16 * s, 16 * s)
            pdf.set_font("DejaVu", "B", 11 * s)
            pdf.set_xy(ox + 30 * s, oy + 11 * s)
            pdf.cell(108 * s, 5, settings.zone_name)
            pdf.set_draw_color(24, 52, 102)
            pdf.line(ox + 10 * s, oy + 28 * s, ox + 138 * s, oy + 28 * s)
            for size, style, text, y, wrap in lines:
                pdf.set_font("DejaVu", style, size * s)
                pdf.set_xy(ox + 10 * s, oy + y * s)
                if wrap:
                    pdf.multi_cell(128 * s, size * s * 0.3528 * 1.3, text)
                else:
                    pdf.cell(128 * s, size * s * 0.3528 * 1.25, text)
            pdf.image(qr, ox + 10 * s, oy + 150 * s, 46 * s, 46 * s)
        pdf.set_draw_color(190, 190, 190)
        for x1, y1, x2, y2 in (
            (105, 0, 105, 6),
            (105, 291, 105, 297),
            (0, 148.5, 6, 148.5),
            (204, 148.5, 210, 148.5),
        ):
            pdf.line(x1, y1, x2, y2)
    return bytes(pdf.output())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    times: dict[str, list[float]] = {"ours": [], "baseline": []}
    sizes: dict[str, int] = {}
    for _ in range(args.runs):
        for name, fn in (("baseline", baseline), ("ours", ours)):
            start = time.perf_counter()
            pdf = fn(settings)
            times[name].append(time.perf_counter() - start)
            sizes[name] = len(pdf)
    best = {k: min(v) for k, v in times.items()}
    ratio = best["ours"] / best["baseline"]
    print(f"{COPIES} flyers, a4-4up = {COPIES // 4} A4 pages, best of {args.runs} runs")
    for name in ("baseline", "ours"):
        print(
            f"  {name:<8}  best {best[name]:6.2f} s   median {statistics.median(times[name]):6.2f} s   "
            f"file {sizes[name] / 1e6:5.2f} MB"
        )
    print(f"  ratio ours/baseline: {ratio:.2f} (target ≤ 1.50)")
    print(f"  our file: {sizes['ours'] / 1e6:.2f} MB (target < 1.50 MB)")
    ok = ratio <= 1.5 and sizes["ours"] < 1_500_000
    print("  PASS" if ok else "  FAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
