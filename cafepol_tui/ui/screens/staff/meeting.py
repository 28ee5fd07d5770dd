"""One meeting for staff: registrations with check-in, walk-ins, topics raised in advance.

Every action opens a small dialog (or acts on the selected row) and reloads after saving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Static

from cafepol_tui.i18n import N_, current_language, translator
from cafepol_tui.services import meetings_admin as ma
from cafepol_tui.services import registrations_admin as ra
from cafepol_tui.services.concerns import AdvanceTopic, raised_in_advance
from cafepol_tui.services.formatting import format_when
from cafepol_tui.services.meetings import MeetingDetail, get_meeting, meeting_change_token
from cafepol_tui.services.permissions import Permission
from cafepol_tui.services.registrations import RegistrationView, list_for_meeting
from cafepol_tui.services.validation import NotFoundError, RefusedError, format_phone
from cafepol_tui.statuses import RegistrationStatus
from cafepol_tui.ui.screens.staff import editors, labels
from cafepol_tui.ui.screens.staff.base import StaffScreen
from cafepol_tui.ui.screens.staff.form import InfoDialog

_ = translator("staff")

POLL_S = 5.0  # as often as the citizen kiosk's list (citizen.home.LIVE_REFRESH_S)


# The second row of buttons: (action, label); pressing one runs `action_<action>`.
_MORE_BUTTONS = (
    ("present", N_("Présent")),
    ("absent", N_("Absent")),
    ("walkin_plus", N_("+1 sans inscription")),
    ("walkin_minus", "−1"),
    ("cancel_registration", N_("Annuler l'inscription")),
    ("reorder", N_("Rang d'attente")),
    ("topic_to_concern", N_("Sujet → doléance")),
    ("meeting_concern", N_("Doléance")),
    ("interested", N_("Intéressés FB")),
    ("duplicate", N_("Dupliquer")),
    ("cancel_meeting", N_("Annuler la rencontre")),
)


class StaffMeetingScreen(StaffScreen):
    BINDINGS = [
        Binding("e", "edit", N_("Modifier"), id="meeting-edit"),
        # TRANSLATORS: footer key: register a person for this meeting.
        Binding("a", "add", N_("Inscrire"), id="meeting-add"),
        # TRANSLATORS: footer key: check in the selected registration as present.
        Binding("p", "present", N_("Présent"), id="meeting-present"),
        Binding("o", "absent", N_("Absent"), id="meeting-absent"),
        # TRANSLATORS: footer key: one more person came without registering.
        Binding("plus", "walkin(1)", N_("+1 sans inscription"), id="meeting-walkin-plus"),
        Binding("minus", "walkin(-1)", "−1", id="meeting-walkin-minus"),
        Binding("r", "cancel_registration", N_("Annuler l'inscription"), id="meeting-cancel-reg"),
        # TRANSLATORS: footer key: move a registration within the waiting list.
        Binding("m", "reorder", N_("Rang d'attente"), id="meeting-reorder"),
        # TRANSLATORS: footer key: turn a topic raised in advance into a concern.
        Binding("g", "topic_to_concern", N_("Sujet → doléance"), id="meeting-topic"),
        # TRANSLATORS: footer key: record a concern raised at this meeting.
        Binding("k", "meeting_concern", N_("Doléance"), id="meeting-concern"),
        # TRANSLATORS: footer key: the number of people "interested" in the Facebook event.
        Binding("i", "interested", N_("Intéressés FB"), id="meeting-interested"),
        Binding("u", "duplicate", N_("Dupliquer"), id="meeting-duplicate"),
        Binding("x", "cancel_meeting", N_("Annuler la rencontre"), id="meeting-cancel"),
        # TRANSLATORS: footer key: a cancelled meeting takes place after all.
        Binding("v", "reinstate", N_("Rétablir la rencontre"), id="meeting-reinstate"),
        # TRANSLATORS: footer key: the people to warn of a cancelled meeting, with contacts.
        Binding("w", "warn_list", N_("À prévenir"), id="meeting-warn"),
        # TRANSLATORS: footer key: print flyers (with the QR code) for this meeting.
        Binding("f", "flyer", N_("Affiches"), id="meeting-flyer"),
        # TRANSLATORS: footer key: print the attendance sheet for this meeting.
        Binding("s", "attendance", N_("Feuille de présence"), id="meeting-attendance"),
        # TRANSLATORS: footer key: the check-in screen used at the door.
        Binding("d", "door", N_("À l'entrée"), id="meeting-door"),
    ]
    AUTO_FOCUS = "#registrations"

    def __init__(self, meeting_id: int) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.meeting: MeetingDetail | None = None
        self.registrations: dict[str, RegistrationView] = {}
        self.topics: dict[str, AdvanceTopic] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-meeting"):
            yield Static(_("Chargement…"), id="staff-meeting-heading", markup=False)
            yield Static("", id="meeting-counts", markup=False)
            yield DataTable(id="registrations", cursor_type="row", zebra_stripes=True)
            yield Static(_("Soulevé à l'avance (sujets des inscriptions)"), classes="staff-section")
            yield DataTable(id="advance-topics", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="actions"):
                yield Button(_("← Retour"), id="back")
                yield Button(_("Inscrire"), id="add")
                yield Button(_("Modifier"), id="edit")
                yield Button(_("Affiches"), id="flyer")
                yield Button(_("Feuille de présence"), id="attendance")
                yield Button(_("À prévenir"), id="warn-list", classes="when-cancelled")
                yield Button(
                    _("Rétablir la rencontre"), id="reinstate", classes="when-cancelled",
                    variant="warning",
                )
            # Every key's action has a button too (touch screens; the footer is cut).
            with Grid(id="meeting-more"):
                # The check-in at the door first: it is what the day of the meeting is about.
                yield Button(_("À l'entrée"), id="open-door", variant="primary")
                for action, label in _MORE_BUTTONS:
                    yield Button(_(label), id=f"do-{action}", classes="more", name=action)
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#registrations", DataTable).add_columns(
            _("Réf."),
            _("Nom"),
            # TRANSLATORS: column header: another registration has the same name.
            _("Doublon ?"),
            # TRANSLATORS: column header, short for "persons" (party size).
            _("Pers."),
            _("Statut"),
            _("Téléphone"),
            _("E-mail"),
            _("Canal"),
            _("À aborder"),
        )
        self.query_one("#advance-topics", DataTable).add_columns(_("Réf."), _("Nom"), _("Sujet"))
        self.query(".when-cancelled").set(display=False)
        self._token: object = None
        self.load()
        self.set_interval(POLL_S, self.poll_changes)

    def poll_changes(self) -> None:
        """A kiosk or another console changed this meeting or its registrations: reload (only
        then, and only while this screen is on top)."""
        if self.is_current:
            self._poll()

    @work(thread=True, exclusive=True, group="staff-meeting-poll", exit_on_error=False)
    def _poll(self) -> None:
        with self.kiosk.database.connection_context():
            token = meeting_change_token(self.meeting_id)
        if token != self._token:
            self.app.call_from_thread(self.load)

    def reload(self) -> None:
        self.load()

    @on(Button.Pressed, "#flyer")
    def action_flyer(self) -> None:
        if self.refused(Permission.PRINT):
            return
        from cafepol_tui.ui.screens.staff.documents import FLYER, PrintDialog

        self.app.push_screen(PrintDialog(self.kiosk, FLYER, self.meeting_id))

    @on(Button.Pressed, "#attendance")
    def action_attendance(self) -> None:
        if self.refused(Permission.PRINT):
            return
        from cafepol_tui.ui.screens.staff.documents import ATTENDANCE, PrintDialog

        self.app.push_screen(PrintDialog(self.kiosk, ATTENDANCE, self.meeting_id))

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        with self.kiosk.database.connection_context():
            token = meeting_change_token(self.meeting_id)
            meeting = get_meeting(self.meeting_id)
            registrations = list_for_meeting(self.meeting_id)
            topics = raised_in_advance(self.meeting_id)
            walkins = ra.walkins(self.meeting_id)
        self.app.call_from_thread(self.show, meeting, registrations, topics, walkins, token)

    def show(
        self,
        m: MeetingDetail,
        registrations: list[RegistrationView],
        topics: list[AdvanceTopic],
        walkins: int,
        token: object = None,
    ) -> None:
        self.meeting, self._token = m, token
        heading = _("N° {id} · {commune} — {place} — {when}").format(
            id=m.id,
            commune=m.commune,
            place=m.place,
            when=format_when(m.starts_at, current_language()),
        )
        if m.is_cancelled:
            heading += " — " + _("ANNULÉE : {reason}").format(reason=m.cancel_reason)
        self.query_one("#staff-meeting-heading", Static).update(heading)
        self.query(".when-cancelled").set(display=m.is_cancelled)
        self.query_one("#do-cancel_meeting", Button).display = not m.is_cancelled
        self.refresh_bindings()
        present = sum(r.people for r in registrations if r.status == RegistrationStatus.ATTENDED)
        self.query_one("#meeting-counts", Static).update(
            _(
                "{taken}/{capacity} places · {waiting} en attente · "
                "présents {present} + {walkins} sans inscription · "
                "intéressés Facebook {interested}"
            ).format(
                taken=m.seats_taken,
                capacity=m.capacity,
                waiting=m.waitlist_count,
                present=present,
                walkins=walkins,
                interested=m.interested_count,
            )
        )
        table = self.query_one("#registrations", DataTable)
        row = table.cursor_row
        kept = self.selected()  # the cursor stays on this registration (its row may move)
        table.clear()
        self.registrations = {str(r.id): r for r in registrations}
        # The kiosk accepts namesakes (and can't say « already registered »): staff decide.
        duplicate = _("doublon possible")
        for r in registrations:
            status = labels.registration_status(r.status)
            if r.waitlist_rank:
                status = f"{status} ({r.waitlist_rank})"
            if m.is_cancelled and r.status != RegistrationStatus.CANCELLED:
                status += " · " + _("rencontre annulée")
            table.add_row(
                r.reference,
                r.name,
                duplicate if r.possible_duplicate else "",
                str(r.people),
                status,
                format_phone(r.phone),
                r.email,
                labels.channel(r.channel),
                r.topic.replace("\n", " ")[:40],
                key=str(r.id),
            )
        if registrations:
            if kept is not None and str(kept.id) in self.registrations:
                row = table.get_row_index(str(kept.id))
            table.move_cursor(row=min(row, len(registrations) - 1), animate=False)
        topic_table = self.query_one("#advance-topics", DataTable)
        topic_table.clear()
        self.topics = {str(t.registration_id): t for t in topics}
        for t in topics:
            topic_table.add_row(
                t.reference, t.name, t.topic.replace("\n", " ")[:70], key=str(t.registration_id)
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Reinstating and the list to warn are for a cancelled meeting only; cancelling,
        for one that is not."""
        cancelled = self.meeting is not None and self.meeting.is_cancelled
        if action in ("reinstate", "warn_list"):
            return cancelled
        if action == "cancel_meeting":
            return not cancelled
        return True

    @on(Button.Pressed, "#reinstate")
    def action_reinstate(self) -> None:
        user = self.kiosk.staff_user
        if user is not None and self.meeting is not None and self.meeting.is_cancelled:
            def reinstate() -> None:  # in the worker thread
                ma.reinstate_meeting(self.meeting_id, user)
                self.app.call_from_thread(
                    self.notify, _("Rencontre rétablie : prévenez les personnes inscrites.")
                )

            self.run_quick(reinstate)

    @on(Button.Pressed, "#warn-list")
    def action_warn_list(self) -> None:
        self._show_warn_list()

    @work(thread=True, exclusive=True, group="warn", exit_on_error=False)
    def _show_warn_list(self) -> None:
        with self.kiosk.database.connection_context():
            people = ma.people_to_warn(self.meeting_id)
        self.app.call_from_thread(
            self.app.push_screen, InfoDialog(_("À prévenir"), editors.warn_text(people))
        )

    def selected(self) -> RegistrationView | None:
        table = self.query_one("#registrations", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.registrations.get(key or "")

    def _dialog(
        self, dialog: Screen[Any], then: Callable[[Any], None] | None = None
    ) -> None:
        self.app.push_screen(dialog, then or self._saved)

    def action_edit(self) -> None:
        if self.refused(Permission.MANAGE_MEETINGS):
            return
        self._dialog(editors.meeting_editor(self.kiosk, self.meeting_id))

    def action_add(self) -> None:
        self._dialog(editors.add_registration_dialog(self.kiosk, self.meeting_id))

    def action_interested(self) -> None:
        if self.refused(Permission.MANAGE_MEETINGS):
            return
        current = self.meeting.interested_count if self.meeting else 0
        self._dialog(editors.interested_dialog(self.kiosk, self.meeting_id, current))

    def action_duplicate(self) -> None:
        if self.refused(Permission.MANAGE_MEETINGS):
            return
        self._dialog(editors.duplicate_dialog(self.kiosk, self.meeting_id))

    def action_meeting_concern(self) -> None:
        self.action_open("new_concern", self.meeting_id)

    def action_cancel_meeting(self) -> None:
        if self.refused(Permission.MANAGE_MEETINGS):
            return

        def done(result: object) -> None:
            if isinstance(result, list):
                self.reload()
                self.app.push_screen(InfoDialog(_("Rencontre annulée"), editors.warn_text(result)))

        self._dialog(editors.cancel_meeting_dialog(self.kiosk, self.meeting_id), done)

    def action_cancel_registration(self) -> None:
        r = self.selected()
        if r and r.status != RegistrationStatus.CANCELLED:
            self._dialog(editors.confirm_cancel_registration(self.kiosk, r.reference))

    def action_reorder(self) -> None:
        r = self.selected()
        if r is None or r.status != RegistrationStatus.WAITLISTED:
            self.notify(_("Choisissez une inscription en liste d'attente."), severity="warning")
            return
        self._dialog(editors.reorder_dialog(self.kiosk, r.id, r.reference))

    def action_topic_to_concern(self) -> None:
        table = self.query_one("#advance-topics", DataTable)
        if not table.row_count:
            self.notify(_("Aucun sujet soulevé à l'avance."), severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        topic = self.topics.get(key or "")
        if topic:
            self._dialog(
                editors.concern_from_topic_dialog(self.kiosk, topic.registration_id, topic.topic)
            )

    def action_present(self) -> None:
        self._check_in(True)

    def action_absent(self) -> None:
        self._check_in(False)

    def _check_in(self, attended: bool) -> None:
        r = self.selected()
        if r is not None:
            self.run_quick(lambda: ra.check_in(r.id, attended, self.actor))

    def action_walkin(self, delta: int) -> None:
        self.run_quick(lambda: ra.add_walkins(self.meeting_id, delta, self.actor))

    @work(thread=True, exclusive=True, group="quick", exit_on_error=False)
    def run_quick(self, fn: Callable[[], object]) -> None:
        try:
            with self.kiosk.database.connection_context():
                fn()
        except (RefusedError, NotFoundError) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
            return
        self.app.call_from_thread(self.load)

    def action_walkin_plus(self) -> None:
        self.action_walkin(1)

    def action_walkin_minus(self) -> None:
        self.action_walkin(-1)

    @on(Button.Pressed, ".more")
    def _more(self, event: Button.Pressed) -> None:
        getattr(self, f"action_{event.button.name}")()

    @on(Button.Pressed, "#open-door")
    def action_door(self) -> None:
        from cafepol_tui.ui.screens.staff.door import DoorScreen

        self.app.push_screen(DoorScreen(self.meeting_id), lambda _result: self.reload())

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        self.action_add()

    @on(Button.Pressed, "#edit")
    def _edit(self) -> None:
        self.action_edit()
