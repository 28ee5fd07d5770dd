"""Statistics: the meeting rhythm per commune against the 2–3 a month aim, attendance, concerns.

Charts are drawn with Textual's own widgets: block-character bars in tables and a Sparkline.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Sparkline, Static

from cafepol_tui.services.stats import AIM_MAX, AIM_MIN, Stats, bar, compute
from cafepol_tui.ui.screens.staff.base import StaffScreen


class StatsScreen(StaffScreen):
    BINDINGS = [Binding("f5", "refresh", "Actualiser", id="stats-refresh")]

    def compose(self) -> ComposeResult:
        yield Static("Statistiques", id="staff-heading")
        with VerticalScroll(id="stats-page"):
            yield Static("Chiffres clés", id="stats-keys", markup=False)
            yield Static(
                f"Rencontres par commune et par mois (objectif {AIM_MIN}–{AIM_MAX})",
                classes="staff-section",
            )
            yield DataTable(id="stats-months", cursor_type="row", zebra_stripes=True)
            yield Static("Participation par mois (présents)", classes="staff-section")
            yield Sparkline([], id="stats-spark")
            yield Static("Inscrits, présents, intéressés par rencontre", classes="staff-section")
            yield DataTable(id="stats-attendance", cursor_type="row", zebra_stripes=True)
            yield Static("Doléances par thème", classes="staff-section")
            yield DataTable(id="stats-themes", cursor_type="row")
            yield Static("Doléances par commune", classes="staff-section")
            yield DataTable(id="stats-communes", cursor_type="row")
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            stats = compute()
        self.app.call_from_thread(self.show, stats)

    def show(self, s: Stats) -> None:
        t = s.totals
        share = f"{s.feedback_share:.0%}" if s.feedback_share is not None else "—"
        median = (
            f"{s.median_days_to_feedback:g} jours" if s.median_days_to_feedback is not None else "—"
        )
        self.query_one("#stats-keys", Static).update(
            f"{len(s.attendance)} rencontres tenues · {t['registered']} inscrits · "
            f"{t['attended']} présents · {t['interested']} intéressés (Facebook)\n"
            f"{s.concerns_total} doléances · retour donné : {s.feedback_given} ({share}) · "
            f"délai médian jusqu'au retour : {median}"
        )
        months = self.query_one("#stats-months", DataTable)
        months.clear(columns=True)
        months.add_columns("Commune", *[m[5:] + "/" + m[2:4] for m in s.months], "Verdict")
        for commune in sorted({r.commune for r in s.per_month}):
            rows = [r for r in s.per_month if r.commune == commune]
            cells = [f"{r.meetings} {'█' * r.meetings}" for r in rows]
            below = sum(r.meetings < AIM_MIN for r in rows)
            verdict = "objectif atteint" if not below else f"{below} mois sous l'objectif"
            months.add_row(commune, *cells, verdict)
        per_month_attended = {m: 0 for m in s.months}
        for r in s.attendance:
            if r.day[:7] in per_month_attended:
                per_month_attended[r.day[:7]] += r.attended
        self.query_one(Sparkline).data = list(per_month_attended.values())
        att = self.query_one("#stats-attendance", DataTable)
        att.clear(columns=True)
        att.add_columns(
            "Date",
            "Commune",
            "Inscrits",
            "Présents",
            "Sans inscr.",
            "Intéressés",
            "Présents (barre)",
        )
        top = max((max(r.registered, r.attended, r.interested) for r in s.attendance), default=0)
        for r in s.attendance[-40:]:
            att.add_row(
                r.day,
                r.commune,
                str(r.registered),
                str(r.attended),
                str(r.walkins),
                str(r.interested),
                bar(r.attended, top, 20),
            )
        for table_id, pairs in (
            ("#stats-themes", s.concerns_by_theme),
            ("#stats-communes", s.concerns_by_commune),
        ):
            table = self.query_one(table_id, DataTable)
            table.clear(columns=True)
            table.add_columns("", "Nombre", "")
            top = max((n for _, n in pairs), default=0)
            for name, n in pairs:
                table.add_row(name, str(n), bar(n, top, 24))
