"""Statistics: the meeting rhythm per commune against the 2–3 a month aim, attendance, concerns.

Charts are drawn with Textual's own widgets: block-character bars in tables and a Sparkline.
"""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Sparkline, Static

from cafepol_tui.i18n import N_, translator
from cafepol_tui.services.stats import AIM_MAX, AIM_MIN, Stats, bar, compute
from cafepol_tui.ui.screens.staff import labels
from cafepol_tui.ui.screens.staff.base import StaffScreen

_ = translator("staff")


class StatsScreen(StaffScreen):
    BINDINGS = [Binding("f5", "refresh", N_("Actualiser"), id="stats-refresh")]

    def compose(self) -> ComposeResult:
        yield Static(_("Statistiques"), id="staff-heading")
        with VerticalScroll(id="stats-page"):
            yield Static(_("Chiffres clés"), id="stats-keys", markup=False)
            yield Static(
                _("Rencontres par commune et par mois (objectif {min}–{max})").format(
                    min=AIM_MIN, max=AIM_MAX
                ),
                classes="staff-section",
            )
            yield DataTable(id="stats-months", cursor_type="row", zebra_stripes=True)
            yield Static(
                _("Rencontres prévues dans les mois à venir (objectif {min}–{max})").format(
                    min=AIM_MIN, max=AIM_MAX
                ),
                classes="staff-section",
            )
            yield DataTable(id="stats-planned", cursor_type="row", zebra_stripes=True)
            yield Static(_("Participation par mois (présents)"), classes="staff-section")
            yield Sparkline([], id="stats-spark")
            yield Static(_("Inscrits, présents, intéressés par rencontre"), classes="staff-section")
            yield DataTable(id="stats-attendance", cursor_type="row", zebra_stripes=True)
            yield Static(_("Doléances par thème"), classes="staff-section")
            yield DataTable(id="stats-themes", cursor_type="row")
            yield Static(_("Doléances par commune"), classes="staff-section")
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
        share = labels.percent(s.feedback_share) if s.feedback_share is not None else "—"
        median = "—"
        if s.median_days_to_feedback is not None:
            days = s.median_days_to_feedback
            # A fraction of days reads as a plural ("1,5 jours", "1.5 days").
            count = int(days) if float(days).is_integer() else 2
            median = _.plural("{days} jour", "{days} jours", count).format(
                days=labels.decimal(days)
            )
        held, concerns = len(s.attendance), s.concerns_total
        self.query_one("#stats-keys", Static).update(
            " · ".join(
                (
                    _.plural("{n} rencontre tenue", "{n} rencontres tenues", held).format(n=held),
                    _.plural("{n} inscrit", "{n} inscrits", t["registered"]).format(
                        n=t["registered"]
                    ),
                    _.plural("{n} présent", "{n} présents", t["attended"]).format(n=t["attended"]),
                    _.plural(
                        "{n} intéressé (Facebook)", "{n} intéressés (Facebook)", t["interested"]
                    ).format(n=t["interested"]),
                )
            )
            + "\n"
            + " · ".join(
                (
                    _.plural("{n} doléance", "{n} doléances", concerns).format(n=concerns),
                    _("retour donné : {n} ({share})").format(n=s.feedback_given, share=share),
                    _("délai médian jusqu'au retour : {median}").format(median=median),
                )
            )
            + "\n"
            + _.plural(
                "{n} rencontre passée non pointée (hors moyennes)",
                "{n} rencontres passées non pointées (hors moyennes)",
                s.not_checked_in,
            ).format(n=s.not_checked_in)
        )
        months = self.query_one("#stats-months", DataTable)
        months.clear(columns=True)
        months.add_columns(_("Commune"), *[m[5:] + "/" + m[2:4] for m in s.months], _("Verdict"))
        for commune in sorted({r.commune for r in s.per_month}):
            rows = [r for r in s.per_month if r.commune == commune]
            cells = [f"{r.meetings} {'█' * r.meetings}" for r in rows]
            below = sum(r.meetings < AIM_MIN for r in rows)
            verdict = (
                _.plural("{n} mois sous l'objectif", "{n} mois sous l'objectif", below).format(
                    n=below
                )
                if below
                else _("objectif atteint")
            )
            months.add_row(commune, *cells, verdict)
        planned = self.query_one("#stats-planned", DataTable)
        planned.clear(columns=True)
        planned.add_columns(_("Commune"), *[m[5:] + "/" + m[2:4] for m in s.planned_months])
        aim_labels = {
            "below": _("sous l'objectif"),
            "within": _("dans l'objectif"),
            "above": _("au-delà"),
        }
        for commune in sorted({r.commune for r in s.planned}):
            rows = [r for r in s.planned if r.commune == commune]
            planned.add_row(commune, *[f"{r.meetings} — {aim_labels[r.aim]}" for r in rows])
        per_month_attended = {m: 0 for m in s.months}
        for r in s.attendance:
            if r.day[:7] in per_month_attended:
                per_month_attended[r.day[:7]] += r.attended
        self.query_one(Sparkline).data = list(per_month_attended.values())
        att = self.query_one("#stats-attendance", DataTable)
        att.clear(columns=True)
        att.add_columns(
            _("Date"),
            _("Commune"),
            _("Inscrits"),
            _("Présents"),
            # TRANSLATORS: column header, short for "came without registering".
            _("Sans inscr."),
            _("Intéressés"),
            _("Présents (barre)"),
        )
        top = max((max(r.registered, r.attended, r.interested) for r in s.attendance), default=0)
        for r in s.attendance[-40:]:
            att.add_row(
                labels.short_date(date.fromisoformat(r.day)),
                r.commune,
                str(r.registered),
                str(r.attended),
                str(r.walkins),
                str(r.interested),
                bar(r.attended, top, 20),
            )
        by_table = {"#stats-themes": s.concerns_by_theme, "#stats-communes": s.concerns_by_commune}
        for table_id, pairs in by_table.items():
            table = self.query_one(table_id, DataTable)
            table.clear(columns=True)
            table.add_columns("", _("Nombre"), "")
            top = max((n for _, n in pairs), default=0)
            for name, n in pairs:
                table.add_row(name, str(n), bar(n, top, 24))
