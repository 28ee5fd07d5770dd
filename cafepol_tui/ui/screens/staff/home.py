"""Staff home: overdue concerns first, then the meetings (the last 30 days and upcoming).

Reached only through the PIN screen. Its footer keys and buttons open the staff console's routes
(`routes.ROUTES`); here (and only here) the app may be closed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from cafepol_tui.db.models import utcnow
from cafepol_tui.i18n import N_, current_language, translator
from cafepol_tui.services import audit
from cafepol_tui.services.concerns import ConcernSummary, list_concerns
from cafepol_tui.services.formatting import format_clock, format_short_day
from cafepol_tui.services.meetings import MeetingSummary, change_token, list_between
from cafepol_tui.statuses import OutboxStatus
from cafepol_tui.ui.screens.staff import labels, routes
from cafepol_tui.ui.screens.staff.base import StaffScreen

if TYPE_CHECKING:
    from cafepol_tui.services.outbox import Outage

_ = translator("staff")

PAST_DAYS = 30
POLL_S = 5.0  # as often as the citizen kiosk's list (citizen.home.LIVE_REFRESH_S)
AHEAD_DAYS = 400


class StaffHomeScreen(StaffScreen):
    BINDINGS = [
        *routes.bindings(everywhere=False),  # n, s, d, t, j, c: see `routes.ROUTES`
        Binding("f10", "quit_app", N_("Quitter l'application"), id="staff-quit"),
    ]
    AUTO_FOCUS = ""  # the meetings table, focused in on_mount

    def compose(self) -> ComposeResult:
        user = self.kiosk.staff_user
        heading = (
            _("Mode personnel — {name} ({role})").format(
                name=user.name, role=labels.role(user.role)
            )
            if user
            else _("Mode personnel")
        )
        with Vertical(id="staff-home"):
            yield Static(heading, id="staff-heading", markup=False)
            yield Static("", id="staff-outages", markup=False)
            yield Static("", id="staff-counts", markup=False)
            yield Static(_("Doléances à suivre"), classes="staff-section", id="concerns-title")
            yield DataTable(id="staff-concerns", cursor_type="row", zebra_stripes=True)
            yield Static(_("Rencontres"), classes="staff-section")
            yield DataTable(id="staff-meetings", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="actions"):
                for route, variant in routes.buttons():  # the citizen mode
                    yield Button(_(route.title), id=route.widget_id, name=route.name,
                                 variant=variant)
                yield Button(_("Quitter l'application"), id="quit-app", variant="error")
        yield self.compose_footer()

    def on_mount(self) -> None:
        self._user = self.kiosk.staff_user
        self.query_one("#staff-concerns", DataTable).add_columns(
            _("N°"), _("Échéance"), _("État"), _("Thème"), _("Commune"), _("Situation")
        )
        self.query_one("#staff-meetings", DataTable).add_columns(
            _("N°"), _("Date"), _("Heure"), _("Commune"), _("Lieu"), _("Inscrits"), _("Statut")
        )
        self.query_one("#staff-meetings", DataTable).focus()
        self.query_one("#staff-outages").display = False
        self.query_one("#staff-counts").display = False
        self._token: object = None
        self.load()
        self.set_interval(POLL_S, self.poll_changes)

    def poll_changes(self) -> None:
        """A kiosk or another console changed a meeting: reload the list (only then, and
        only while this screen is on top; coming back reloads anyway)."""
        if self.is_current:
            self._poll()

    @work(thread=True, exclusive=True, group="staff-home-poll", exit_on_error=False)
    def _poll(self) -> None:
        with self.kiosk.database.connection_context():
            token = change_token()
        if token != self._token:
            self.app.call_from_thread(self.load)

    def on_screen_resume(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    def on_unmount(self) -> None:
        """Leaving staff mode (on demand or after the idle timeout) is a logout: audit it."""
        user, db = getattr(self, "_user", None), self.kiosk.database
        if user is None:
            return

        def write() -> None:
            with db.connection_context(), db.atomic():
                audit.record(user.name, "logout", f"staff:{user.id}")

        self.app.run_worker(write, thread=True, exit_on_error=False, group="audit-logout")

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        now = utcnow()
        with self.kiosk.database.connection_context():
            token = change_token()
            concerns = list_concerns(now=now)
            meetings = list_between(
                now - timedelta(days=PAST_DAYS), now + timedelta(days=AHEAD_DAYS)
            )
            notices = self.notices(now)
        self.app.call_from_thread(self.show, concerns, meetings, token)
        self.app.call_from_thread(self.show_notices, *notices)

    @staticmethod
    def notices(now: datetime) -> tuple[list[Outage], dict[str, int]]:
        """The channels down, and what waits for staff: calls, letters, failures, hand-offs."""
        from cafepol_tui.services import outbox
        from cafepol_tui.services.concerns import overdue_handoffs

        counts = outbox.counts()
        waiting = {
            "calls": len(outbox.call_list(now=now)),
            "letters": len(outbox.letters_to_print()),
            "failed": counts.get(OutboxStatus.FAILED, 0),
            "handoffs": len(overdue_handoffs(now=now)),
        }
        return outbox.outages(), waiting

    def show_notices(self, outages: list[Outage], waiting: dict[str, int]) -> None:
        banner = self.query_one("#staff-outages", Static)
        banner.update("\n".join(
            _("⚠ {channel} en panne depuis {since} : {error} — les messages attendent").format(
                channel=labels.notice_channel(o.channel).capitalize(),
                since=labels.short_datetime(o.since),
                error=o.error,
            )
            for o in outages
        ))
        banner.display = bool(outages)
        parts = []
        if waiting["calls"]:
            parts.append(_("☎ {count} appel(s) à passer").format(count=waiting["calls"]))
        if waiting["letters"]:
            parts.append(_("✉ {count} lettre(s) à imprimer").format(count=waiting["letters"]))
        if waiting["failed"]:
            parts.append(_("⚠ {count} message(s) en échec").format(count=waiting["failed"]))
        if waiting["handoffs"]:
            parts.append(
                _("{count} transmission(s) sans réponse du partenaire").format(
                    count=waiting["handoffs"]
                )
            )
        line = self.query_one("#staff-counts", Static)
        line.update(" · ".join(parts))
        line.display = bool(parts)

    def show(
        self,
        concerns: list[ConcernSummary],
        meetings: list[MeetingSummary],
        token: object = None,
    ) -> None:
        self._token = token
        lang = current_language()
        overdue = sum(c.overdue for c in concerns)
        self.query_one("#concerns-title", Static).update(
            _("Doléances à suivre : {count}, dont {overdue} en retard").format(
                count=len(concerns), overdue=overdue
            )
        )
        late = _("⚠ en retard")
        table = self.query_one("#staff-concerns", DataTable)
        table.clear()
        for c in concerns:
            due = labels.short_date(c.due_on) + (f" {late}" if c.overdue else "")
            table.add_row(
                str(c.id),
                due,
                labels.concern_status(c.status),
                c.theme,
                c.commune,
                c.description.replace("\n", " ")[:50],
                key=str(c.id),
            )
        table = self.query_one("#staff-meetings", DataTable)
        table.clear()
        now = utcnow()
        for m in meetings:
            status = _(
                N_("annulée")
                if m.is_cancelled
                else (
                    N_("passée")
                    if m.starts_at < now
                    else (N_("complet") if m.is_full else N_("ouverte"))
                )
            )
            table.add_row(
                str(m.id),
                format_short_day(m.starts_at, lang),
                format_clock(m.starts_at, lang),
                m.commune,
                m.place,
                f"{m.seats_taken}/{m.capacity}",
                status,
                key=str(m.id),
            )
        upcoming = next((i for i, m in enumerate(meetings) if m.starts_at >= now), 0)
        table.move_cursor(row=upcoming, animate=False)

    @on(DataTable.RowSelected, "#staff-meetings")
    def _open(self, event: DataTable.RowSelected) -> None:
        from cafepol_tui.ui.screens.staff.meeting import StaffMeetingScreen

        if event.row_key.value is not None:
            self.app.push_screen(StaffMeetingScreen(int(event.row_key.value)))

    @on(DataTable.RowSelected, "#staff-concerns")
    def _open_concern(self, event: DataTable.RowSelected) -> None:
        from cafepol_tui.ui.screens.staff.concerns import ConcernScreen

        if event.row_key.value is not None:
            self.app.push_screen(ConcernScreen(int(event.row_key.value)))

    @on(Button.Pressed)
    def _route_button(self, event: Button.Pressed) -> None:
        if event.button.name in routes.BY_NAME:
            self.action_open(event.button.name)

    @on(Button.Pressed, "#quit-app")
    def action_quit_app(self) -> None:
        self.app.exit()
