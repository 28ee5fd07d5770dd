"""« À appeler »: the calls to make now, the letters to print, the messages sent (the outbox).

Each call shows the name, the number as read aloud, why, and the whole text to say, with its
outcome buttons; a letter is printed from the counter and then marked sent; a failed message
can be sent again. Database work and printing run in worker threads; a refusal is shown in the
screen's message line, never as a crash.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Static, TabbedContent, TabPane

from cafepol_tui.db.models import utcnow
from cafepol_tui.i18n import current_language, translator
from cafepol_tui.services.permissions import Permission, allows
from cafepol_tui.services.validation import RefusedError, ValidationError, format_phone
from cafepol_tui.statuses import CallOutcome, NoticeKind, OutboxStatus
from cafepol_tui.ui.screens.staff import labels
from cafepol_tui.ui.screens.staff.base import StaffScreen

if TYPE_CHECKING:
    from textual.widgets.button import ButtonVariant

    from cafepol_tui.documents.printing import PrintOutcome
    from cafepol_tui.services.outbox import OutboxView
    from cafepol_tui.settings import Settings

_ = translator("staff")
log = logging.getLogger("cafepol.ui.calls")

RECENT = 200  # messages shown in the outbox tab
OUTCOMES: tuple[tuple[str, ButtonVariant], ...] = (
    (CallOutcome.REACHED, "success"),
    (CallOutcome.MESSAGE_LEFT, "primary"),
    (CallOutcome.NO_ANSWER, "default"),
)


def call_number(view: OutboxView) -> str:
    """The number as read aloud (« 0470 12 34 56 »), or as stored when it isn't one."""
    try:
        return format_phone(view.recipient)
    except Exception:  # noqa: BLE001 - an odd number is still shown, as stored
        return view.recipient


def letter_content(view: OutboxView, settings: Settings, now: datetime) -> object:
    """What `letter_pdf` (or `handoff_sheet_pdf`) needs, from the message and the zone."""
    from cafepol_tui.documents.letter import LetterContent
    from cafepol_tui.services.formatting import format_day

    publisher_lines = [line.strip() for line in settings.documents.publisher.splitlines()]
    publisher_lines = [line for line in publisher_lines if line]
    recipient = [line.strip() for line in view.recipient.splitlines() if line.strip()]
    if view.recipient_name and (not recipient or recipient[0] != view.recipient_name):
        recipient.insert(0, view.recipient_name)
    lang = view.language or "fr"
    return LetterContent(
        zone_name=settings.zone_name,
        publisher=publisher_lines[0] if publisher_lines else settings.zone_name,
        sender_lines=tuple(publisher_lines[1:]),
        recipient_lines=tuple(recipient),
        place_and_date=format_day(now, lang),
        subject=view.subject,
        body=view.body,
        reference=view.reference,
        language=lang,
    )


def letter_name(view: OutboxView) -> str:
    return f"letter-{view.id}.pdf"


def call_list_name(now: datetime) -> str:
    return f"calls-{now:%Y%m%d-%H%M}.pdf"


class CallsScreen(StaffScreen):
    """Three tabs: « À appeler », « Lettres à imprimer », « Messages »."""

    AUTO_FOCUS = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-calls-page"):
            yield Static(_("À appeler et courrier"), id="staff-heading")
            yield Static("", id="calls-message", classes="field-error", markup=False)
            with TabbedContent(id="calls-tabs"):
                with TabPane(_("À appeler"), id="tab-calls"):
                    with Horizontal(classes="actions"):
                        yield Checkbox(
                            _("Envoyer à l'imprimante"), value=True, id="send-to-printer"
                        )
                        yield Button(_("Imprimer la liste"), id="print-calls")
                    yield VerticalScroll(id="calls-list")
                with TabPane(_("Lettres à imprimer"), id="tab-letters"):
                    yield VerticalScroll(id="letters-list")
                with TabPane(_("Messages"), id="tab-outbox"):
                    yield DataTable(id="outbox-table", cursor_type="row", zebra_stripes=True)
                    with Horizontal(classes="actions"):
                        yield Button(_("Renvoyer"), id="retry", variant="warning")
        yield self.compose_footer()

    _refreshing: asyncio.Lock

    def on_mount(self) -> None:
        self._refreshing = asyncio.Lock()
        self.query_one("#calls-message").display = False
        self.query_one("#outbox-table", DataTable).add_columns(
            _("N°"),
            _("Créé"),
            _("État"),
            _("Objet"),
            _("Canal"),
            _("Référence"),
            _("Essais"),
            _("Dernière erreur"),
        )
        self._calls: list[OutboxView] = []
        self._messages: dict[int, OutboxView] = {}
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    def say(self, message: str, *, ok: bool = False) -> None:
        box = self.query_one("#calls-message", Static)
        box.set_class(not ok, "field-error")
        box.update(("✔ " if ok else "⚠ ") + message if message else "")
        box.display = bool(message)

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="calls-load", exit_on_error=False)
    def load(self) -> None:
        from cafepol_tui.services import outbox

        now = utcnow()
        with self.kiosk.database.connection_context():
            calls = outbox.call_list(now=now)
            letters = outbox.letters_to_print()
            messages = outbox.list_messages(limit=RECENT)
        self.app.call_from_thread(self.show, calls, letters, messages)  # type: ignore[arg-type]

    async def show(
        self, calls: list[OutboxView], letters: list[OutboxView], messages: list[OutboxView]
    ) -> None:
        # Mounted and resumed both load: one refresh at a time, or the second would mount
        # blocks whose ids the first has just mounted (DuplicateIds).
        async with self._refreshing:
            self._calls = calls
            self._messages = {m.id: m for m in messages}
            tabs = self.query_one(TabbedContent)
            tabs.get_tab("tab-calls").label = _("À appeler ({count})").format(count=len(calls))
            tabs.get_tab("tab-letters").label = _("Lettres à imprimer ({count})").format(
                count=len(letters)
            )
            box = self.query_one("#calls-list", VerticalScroll)
            await box.remove_children()
            if not calls:
                await box.mount(Static(_("Aucun appel à passer maintenant."), classes="empty"))
            for view in calls:
                await box.mount(self.call_block(view))
            self.query_one("#print-calls", Button).disabled = not calls
            box = self.query_one("#letters-list", VerticalScroll)
            await box.remove_children()
            if not letters:
                await box.mount(Static(_("Aucune lettre à imprimer."), classes="empty"))
            for view in letters:
                await box.mount(self.letter_block(view))
            table = self.query_one("#outbox-table", DataTable)
            table.clear()
            for m in messages:
                table.add_row(
                    str(m.id),
                    labels.short_datetime(m.created_at),
                    labels.outbox_status(m.status),
                    labels.notice_kind(m.kind),
                    labels.notice_channel(m.channel),
                    m.reference or "—",
                    str(m.attempts),
                    m.last_error.replace("\n", " ") or "—",
                    key=str(m.id),
                )

    def call_block(self, view: OutboxView) -> Vertical:
        lines = [
            f"{view.recipient_name or '—'}   ☎ {call_number(view)}",
            _("Pourquoi : {why}").format(why=labels.notice_kind(view.kind))
            + (f"   ({view.reference})" if view.reference else ""),
        ]
        if view.attempts:
            lines.append(_("Déjà essayé {count} fois").format(count=view.attempts))
        buttons = [
            Button(
                labels.call_outcome(outcome),
                name=f"call:{outcome}:{view.id}",
                variant=variant,
                id=f"call-{outcome.replace('_', '-')}-{view.id}",
            )
            for outcome, variant in OUTCOMES
        ]
        return Vertical(
            Static("\n".join(lines), classes="call-head", markup=False),
            Static(_("À dire :"), classes="staff-section"),
            Static(view.body, classes="call-text", markup=False),
            Horizontal(*buttons, classes="actions"),
            classes="call-block",
            id=f"call-{view.id}",
        )

    def letter_block(self, view: OutboxView) -> Vertical:
        recipient = ", ".join(
            [view.recipient_name, *[line for line in view.recipient.splitlines() if line]]
        )
        return Vertical(
            Static(
                f"{labels.notice_kind(view.kind)} — {view.reference or '—'}\n"
                f"{recipient}\n{view.subject}",
                classes="call-head",
                markup=False,
            ),
            Horizontal(
                Button(
                    _("Imprimer"),
                    name=f"letter:{view.id}",
                    id=f"letter-{view.id}",
                    variant="success",
                ),
                classes="actions",
            ),
            classes="call-block",
            id=f"letter-block-{view.id}",
        )

    # --- calls -----------------------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        name = event.button.name or ""
        if name.startswith("call:"):
            _tag, outcome, message_id = name.split(":")
            event.button.disabled = True
            self.record(int(message_id), outcome)
        elif name.startswith("letter:"):
            event.button.disabled = True
            self.print_letter(int(name.split(":")[1]))

    @work(thread=True, group="calls-act", exit_on_error=False)
    def record(self, message_id: int, outcome: str) -> None:
        from cafepol_tui.services import outbox

        try:
            with self.kiosk.database.connection_context():
                outbox.record_call(message_id, outcome, self.actor)
        except (RefusedError, ValidationError) as exc:
            self.app.call_from_thread(self.done, str(exc), False)
            return
        except Exception as exc:  # noqa: BLE001 - say it, keep the console running
            log.exception("call %s not recorded", message_id)
            self.app.call_from_thread(self.done, str(exc), False)
            return
        message = (
            _("Pas de réponse : de nouveau sur la liste demain.")
            if outcome == CallOutcome.NO_ANSWER
            else _("Appel noté : {outcome}.").format(outcome=labels.call_outcome(outcome))
        )
        self.app.call_from_thread(self.done, message, True)

    def done(self, message: str, ok: bool) -> None:
        self.say(message, ok=ok)
        self.load()

    # --- printing --------------------------------------------------------------------------

    def _printing(self) -> bool:
        return self.query_one("#send-to-printer", Checkbox).value

    @on(Button.Pressed, "#print-calls")
    def _print_calls(self) -> None:
        self.query_one("#print-calls", Button).disabled = True
        self.print_calls([c.id for c in self._calls], self._printing())

    @work(thread=True, group="calls-act", exit_on_error=False)
    def print_calls(self, ids: list[int], print_: bool) -> None:
        from cafepol_tui.documents import deliver
        from cafepol_tui.documents.calls import CallRow, call_list_pdf
        from cafepol_tui.services import outbox
        from cafepol_tui.services.permissions import require
        from cafepol_tui.services.zone import zone_settings

        now = utcnow()
        try:
            require(self.actor, Permission.NOTIFY)
            with self.kiosk.database.connection_context():
                settings = zone_settings(self.kiosk.settings)
                views = [v for v in outbox.call_list(now=now) if v.id in ids]
            rows = [
                CallRow(
                    v.recipient_name,
                    call_number(v),
                    labels.notice_kind(v.kind),
                    v.body,
                    v.reference,
                )
                for v in views
            ]
            pdf = call_list_pdf(
                rows, zone_name=settings.zone_name, printed_at=now, language=current_language()
            )
            name = call_list_name(now)
            outcome = deliver(pdf, name, self.kiosk.settings, print_=print_)
        except RefusedError as exc:
            self.app.call_from_thread(self.done, str(exc), False)
            return
        except Exception as exc:  # noqa: BLE001 - say it, keep the console running
            log.exception("call list not made")
            message = _("Le document n'a pas pu être préparé : {error}").format(error=exc)
            self.app.call_from_thread(self.done, message, False)
            return
        self.audit(name, outcome)
        self.app.call_from_thread(self.done, outcome.message, outcome.ok)

    @work(thread=True, group="calls-act", exit_on_error=False)
    def print_letter(self, message_id: int) -> None:
        from cafepol_tui.documents import deliver
        from cafepol_tui.documents.letter import LetterContent, handoff_sheet_pdf, letter_pdf
        from cafepol_tui.services import outbox
        from cafepol_tui.services.permissions import require
        from cafepol_tui.services.zone import zone_settings

        now = utcnow()
        print_ = self._printing()
        try:
            require(self.actor, Permission.NOTIFY)
            with self.kiosk.database.connection_context():
                settings = zone_settings(self.kiosk.settings)
                view = outbox.get_message(message_id)
            if view.status != OutboxStatus.PENDING:
                raise RefusedError(_("Cette lettre a déjà été imprimée."))
            content = letter_content(view, settings, now)
            assert isinstance(content, LetterContent)
            render = handoff_sheet_pdf if view.kind == NoticeKind.HANDOFF else letter_pdf
            name = letter_name(view)
            outcome = deliver(render(content), name, self.kiosk.settings, print_=print_)
            if outcome.ok:
                with self.kiosk.database.connection_context():
                    outbox.mark_printed(message_id, self.actor, now=now)
        except RefusedError as exc:
            self.app.call_from_thread(self.done, str(exc), False)
            return
        except Exception as exc:  # noqa: BLE001 - say it, keep the console running
            log.exception("letter %s not made", message_id)
            message = _("Le document n'a pas pu être préparé : {error}").format(error=exc)
            self.app.call_from_thread(self.done, message, False)
            return
        self.audit(name, outcome)
        self.app.call_from_thread(self.done, outcome.message, outcome.ok)

    def audit(self, name: str, outcome: PrintOutcome) -> None:
        """The audit log's line for the document (its failure only logged: it is made)."""
        from cafepol_tui.db.engine import write_transaction
        from cafepol_tui.services.audit import document_made, record

        if outcome.printed:
            where = f"lp {outcome.job_id}" if outcome.job_id else "lp"
        elif outcome.path is not None:
            where = str(outcome.path)
        else:
            return
        try:
            with self.kiosk.database.connection_context():
                if allows(self.actor, Permission.PRINT):
                    document_made(self.actor, name, where)
                else:  # counter staff print calls and letters (NOTIFY), not flyers (PRINT)
                    with write_transaction(self.kiosk.database):
                        record(self.actor.name, "document", where, name)
        except Exception:  # noqa: BLE001 - the document exists; the entry is what is lost
            log.exception("audit entry for %s not written", name)

    # --- the outbox ------------------------------------------------------------------------

    @on(Button.Pressed, "#retry")
    def _retry(self) -> None:
        table = self.query_one("#outbox-table", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        view = self._messages.get(int(key)) if key is not None else None
        if view is None:
            return
        if view.status != OutboxStatus.FAILED:
            self.say(_("Seul un message en échec peut être renvoyé."))
            return
        self.retry(view.id)

    @work(thread=True, group="calls-act", exit_on_error=False)
    def retry(self, message_id: int) -> None:
        from cafepol_tui.services import outbox

        try:
            with self.kiosk.database.connection_context():
                outbox.retry_failed(message_id, self.actor)
        except RefusedError as exc:
            self.app.call_from_thread(self.done, str(exc), False)
            return
        self.app.call_from_thread(
            self.done, _("Le message {id} sera renvoyé.").format(id=message_id), True
        )
