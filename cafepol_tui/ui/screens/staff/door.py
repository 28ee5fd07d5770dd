"""« À l'entrée »: check people in at the door of a café, by name, by code or by scanner.

The search field keeps the focus: type part of a name (case and accents don't matter) or the
slip's reference code. A full reference followed by Enter — what a USB barcode scanner acting
as a keyboard sends — marks that party present at once and clears the field; Enter on a name
that matches one registration only does the same. Big buttons act on the selected row.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Static

from cafepol_tui.i18n import N_, translator
from cafepol_tui.safe_input import shown
from cafepol_tui.services import registrations_admin as ra
from cafepol_tui.services.registrations import (
    RegistrationView,
    list_for_meeting,
    normalise_reference,
)
from cafepol_tui.services.validation import NAME_MAX, NotFoundError, RefusedError, fold
from cafepol_tui.statuses import RegistrationStatus
from cafepol_tui.ui.screens.staff import labels
from cafepol_tui.ui.screens.staff.base import StaffScreen

_ = translator("staff")


def matches(r: RegistrationView, query: str) -> bool:
    """Part of the name (folded), or part of the reference code."""
    if not query.strip():
        return True
    code = normalise_reference(query)
    return fold(query) in fold(r.name) or bool(code) and code in r.reference


class DoorScreen(StaffScreen):
    BINDINGS = [
        # TRANSLATORS: door check-in key: the selected person is present.
        Binding("f5", "present", N_("Présent"), id="door-present"),
        Binding("f6", "absent", N_("Absent"), id="door-absent"),
        Binding("f7", "walkin(1)", N_("+1 sans inscription"), id="door-walkin-plus"),
        Binding("f8", "walkin(-1)", "−1", id="door-walkin-minus"),
        Binding("down", "cursor(1)", show=False),
        Binding("up", "cursor(-1)", show=False),
    ]
    AUTO_FOCUS = "#door-search"

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.registrations: list[RegistrationView] = []
        self.shown: dict[str, RegistrationView] = {}
        self.walkins = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="door"):
            # TRANSLATORS: title of the check-in screen used at the door of the meeting.
            yield Static(_("À l'entrée"), classes="staff-section")
            with Horizontal(id="door-search-row"):
                yield Input(
                    id="door-search",
                    placeholder=_("Nom ou code du papier (ou scanner)"),
                    max_length=NAME_MAX,
                )
                yield Static("", id="door-message", markup=False)
            yield Static("", id="door-counts", markup=False)
            yield DataTable(id="door-list", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="actions door-buttons"):
                yield Button(_("← Retour"), id="back")
                yield Button(_("Présent"), id="door-present", variant="success")
                yield Button(_("Absent"), id="door-absent", variant="warning")
                yield Button(_("+1 sans inscription"), id="door-walkin-plus")
                yield Button("−1", id="door-walkin-minus")
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#door-list", DataTable).add_columns(
            _("Nom"), _("Pers."), _("Statut"), _("Réf.")
        )
        self.load()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            registrations = list_for_meeting(self.meeting_id)
            walkins = ra.walkins(self.meeting_id)
        self.app.call_from_thread(self.show, registrations, walkins)

    def show(self, registrations: list[RegistrationView], walkins: int) -> None:
        self.registrations = sorted(registrations, key=lambda r: (fold(r.name), r.id))
        self.walkins = walkins
        self._fill()
        self._counts()

    def _counts(self) -> None:
        def people(*statuses: str) -> int:
            return sum(r.people for r in self.registrations if r.status in statuses)

        self.query_one("#door-counts", Static).update(
            _(
                "présents {present} · absents {absent} · sans inscription {walkins} · "
                "attendus {expected}"
            ).format(
                present=people(RegistrationStatus.ATTENDED),
                absent=people(RegistrationStatus.NO_SHOW),
                walkins=self.walkins,
                expected=people(*RegistrationStatus.HOLDING_SEATS),
            )
        )

    def _fill(self) -> None:
        """The rows matching the search; the cursor stays on the same registration (by key)."""
        table = self.query_one("#door-list", DataTable)
        kept = self.selected()
        table.clear()
        query = self.query_one("#door-search", Input).value
        shown = [r for r in self.registrations if matches(r, query)]
        self.shown = {str(r.id): r for r in shown}
        for r in shown:
            status = labels.registration_status(r.status)
            if r.waitlist_rank:
                status = f"{status} ({r.waitlist_rank})"
            table.add_row(r.name, str(r.people), status, r.reference, key=str(r.id))
        if kept is not None and str(kept.id) in self.shown:
            table.move_cursor(row=table.get_row_index(str(kept.id)), animate=False)

    def selected(self) -> RegistrationView | None:
        table = self.query_one("#door-list", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.shown.get(key or "")

    def say(self, message: str) -> None:
        self.query_one("#door-message", Static).update(message)

    @on(Input.Changed, "#door-search")
    def _search(self) -> None:
        self._fill()

    @on(Input.Submitted, "#door-search")
    def _enter(self, event: Input.Submitted) -> None:
        """A full code (typed or scanned), or a name only one registration matches: present."""
        event.stop()
        typed = event.value.strip()
        if not typed:
            return
        code = normalise_reference(typed)
        found = next((r for r in self.registrations if r.reference == code), None)
        if found is None and len(self.shown) == 1:
            found = next(iter(self.shown.values()))
        if found is None:
            if not self.shown:
                self.say(_("⚠ Code ou nom inconnu : {typed}").format(typed=shown(typed, 40)))
            else:
                self.say(_("{count} personnes correspondent : choisissez dans la liste.").format(
                    count=len(self.shown)))
            return
        self.query_one("#door-search", Input).value = ""
        self._check_in(found, True, clear=True)

    def action_cursor(self, delta: int) -> None:
        table = self.query_one("#door-list", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    @on(Button.Pressed, "#door-present")
    def action_present(self) -> None:
        r = self.selected()
        if r is not None:
            self._check_in(r, True)

    @on(Button.Pressed, "#door-absent")
    def action_absent(self) -> None:
        r = self.selected()
        if r is not None:
            self._check_in(r, False)

    def _check_in(self, r: RegistrationView, attended: bool, *, clear: bool = False) -> None:
        if attended:
            # TRANSLATORS: shown beside the search field after a check-in at the door.
            done = _("✔ {name} ({people} pers.) : présent").format(name=r.name, people=r.people)
        else:
            done = _("{name} : absent").format(name=r.name)
        actor = self.actor
        self.run_quick(lambda: ra.check_in(r.id, attended, actor), done)

    @on(Button.Pressed, "#door-walkin-plus")
    def _plus(self) -> None:
        self.action_walkin(1)

    @on(Button.Pressed, "#door-walkin-minus")
    def _minus(self) -> None:
        self.action_walkin(-1)

    def action_walkin(self, delta: int) -> None:
        actor = self.actor
        self.run_quick(lambda: ra.add_walkins(self.meeting_id, delta, actor), "")

    @work(thread=True, exclusive=True, group="door-quick", exit_on_error=False)
    def run_quick(self, fn: Callable[[], object], done: str) -> None:
        try:
            with self.kiosk.database.connection_context():
                fn()
        except (RefusedError, NotFoundError) as exc:
            self.app.call_from_thread(self.say, f"⚠ {exc}")
            return
        self.app.call_from_thread(self.say, done)
        self.app.call_from_thread(self.load)
        self.app.call_from_thread(self.query_one("#door-search", Input).focus)

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()
