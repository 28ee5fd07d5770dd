"""A dialog that edits a few fields and saves them through a service, off the UI thread.

The service's `ValidationError` puts each message (translated by the service) beside its field
and keeps the dialog open; nothing is saved unless the service accepted everything. Fields that
need the database (choice lists, the values being edited) come from a loader run off the UI
thread too: the dialog opens at once on « Chargement… », and a lost database is the outage
screen, after which the fields are loaded again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import peewee
from textual import on, work
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from cafepol_tui.i18n import N_, translator
from cafepol_tui.services.validation import NotFoundError, RefusedError, ValidationError
from cafepol_tui.ui.screens.base import FinishesAfterWork, ReportsWorkerErrors, Then
from cafepol_tui.ui.screens.staff.base import TranslatedBindings

if TYPE_CHECKING:
    from cafepol_tui.ui.app import CafePolApp

_ = translator("staff")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: Any = ""
    kind: str = "input"  # input | text | select | check | password | multi
    options: tuple[tuple[str, Any], ...] = ()
    placeholder: str = ""
    hidden: bool = False


FieldLoader = Callable[[], list[Field]]


@dataclass(frozen=True)
class Stay:
    """What a save returns to show something instead of saving (e.g. a preview to confirm):
    the dialog stays open with `text` above its fields, « OK » relabelled `ok_label`."""

    text: str
    ok_label: str = ""


class FormDialog(FinishesAfterWork, ReportsWorkerErrors, TranslatedBindings, ModalScreen[object]):
    """`title`, `intro`, `ok_label` and the fields' labels arrive translated.

    `fields` is the list itself, or a loader that reads the database to make it: it runs in
    a worker thread inside a connection, and the fields appear when it returns.
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Annuler"), id="form-cancel"),
        Binding("ctrl+s", "submit", N_("Enregistrer"), id="form-save"),
    ]

    def __init__(
        self,
        kiosk: CafePolApp,
        title: str,
        fields: list[Field] | FieldLoader,
        save: Callable[[dict[str, Any]], object],
        *,
        intro: str = "",
        ok_label: str = "",
    ) -> None:
        super().__init__(classes="staff-dialog")
        self.kiosk = kiosk
        self.title_text = title
        self.loader: FieldLoader | None = None if isinstance(fields, list) else fields
        self._reloader = self.loader  # to load the fields again (`reload_fields`)
        self.fields: list[Field] = fields if isinstance(fields, list) else []
        self.save = save
        self.intro = intro
        self.ok_label = ok_label or _("Enregistrer")
        self._saved_result: tuple[object] | None = None  # saved, dismissed when back on top

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog"):
            yield Static(self.title_text, id="form-title", markup=False)
            if self.intro:
                yield Static(self.intro, id="form-intro", markup=False)
            with VerticalScroll(id="form-fields"):
                if self.fields_pending:
                    yield Static(_("Chargement…"), id="form-loading")
                for f in self.fields:
                    yield from self._field(f)
            yield Static("", id="form-error", classes="field-error", markup=False)
            with Horizontal(classes="actions"):
                yield Button(_("Annuler"), id="form-cancel")
                yield Button(self.ok_label, id="form-ok", variant="primary",
                             disabled=self.fields_pending)

    @property
    def fields_pending(self) -> bool:
        """True until a loader's fields are shown (« OK » and ctrl+s do nothing meanwhile)."""
        return self.loader is not None

    def _field(self, f: Field) -> ComposeResult:
        wid = f"f-{f.name}"
        if f.kind != "check":
            label = Label(f.label, classes="field-label", id=f"l-{f.name}")
            label.display = not f.hidden
            yield label
        if f.kind == "text":
            widget: Any = TextArea(str(f.value), id=wid, classes="form-text")
        elif f.kind == "select":
            value = f.value if any(v == f.value for _, v in f.options) else Select.NULL
            widget = Select(f.options, value=value, id=wid, prompt=_("Choisir…"))
        elif f.kind == "check":
            widget = Checkbox(f.label, bool(f.value), id=wid)
        elif f.kind == "multi":  # `value`: the options' values ticked at first
            ticked = tuple(f.value or ())
            widget = SelectionList[Any](
                *((label, v, v in ticked) for label, v in f.options), id=wid
            )
        else:
            widget = Input(
                str(f.value), id=wid, placeholder=f.placeholder, password=f.kind == "password"
            )
        widget.display = not f.hidden
        yield widget
        yield Static("", id=f"e-{f.name}", classes="field-error", markup=False)

    def on_mount(self) -> None:
        if self.fields_pending:
            self.load_fields()
        else:
            self._focus_first()

    def _focus_first(self) -> None:
        first = next((f for f in self.fields if not f.hidden), None)
        if first:
            self.query_one(f"#f-{first.name}").focus()

    @work(thread=True, exclusive=True, group="form-load", exit_on_error=False)
    def load_fields(self) -> None:
        loader = self.loader
        assert loader is not None
        try:
            with self.kiosk.database.connection_context():
                fields = loader()
        except (RefusedError, NotFoundError) as exc:  # e.g. the meeting was deleted meanwhile
            self.app.call_from_thread(self._say, str(exc))
            return
        except peewee.DatabaseError as exc:
            if self.kiosk.database_failed(exc, self.load_fields):
                return  # the outage screen is up; its return loads the fields again
            raise
        self.app.call_from_thread(self.show_fields, fields)

    def show_fields(self, fields: list[Field]) -> AwaitComplete:
        """The loaded fields replace « Chargement… »; the worker waits until they are mounted.

        An `AwaitComplete`, like `dismiss`, is what `call_from_thread` awaits (and mypy types).
        """

        async def show() -> None:
            box = self.query_one("#form-fields", VerticalScroll)
            await box.query("#form-loading").remove()
            await box.mount_all([widget for f in fields for widget in self._field(f)])
            self.fields, self.loader = fields, None  # from here on « OK » saves them
            self.query_one("#form-ok", Button).disabled = False
            self._focus_first()

        return AwaitComplete(show())

    def reload_fields(self, message: str = "") -> AwaitComplete:
        """Load the fields again (e.g. fresh values after someone else's change), saying
        `message` above the buttons meanwhile."""

        async def reload() -> None:
            assert self._reloader is not None
            box = self.query_one("#form-fields", VerticalScroll)
            await box.remove_children()
            self.fields, self.loader = [], self._reloader
            self.query_one("#form-ok", Button).disabled = True
            await box.mount(Static(_("Chargement…"), id="form-loading"))
            if message:
                self._say(message)
            self.load_fields()

        return AwaitComplete(reload())

    def _say(self, message: str) -> None:
        box = self.query_one("#form-error", Static)
        box.update(f"⚠ {message}")
        box.display = True

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            widget = self.query_one(f"#f-{f.name}")
            if isinstance(widget, TextArea):
                out[f.name] = widget.text
            elif isinstance(widget, Select):
                out[f.name] = "" if widget.value is Select.NULL else widget.value
            elif isinstance(widget, Checkbox):
                out[f.name] = widget.value
            elif isinstance(widget, SelectionList):
                out[f.name] = tuple(widget.selected)
            else:
                out[f.name] = widget.value  # type: ignore[attr-defined]
        return out

    def show_errors(self, errors: dict[str, str], general: str = "") -> None:
        names = {f.name for f in self.fields}
        leftovers = [general] if general else []
        for f in self.fields:
            box = self.query_one(f"#e-{f.name}", Static)
            message = errors.get(f.name, "")
            box.update(f"⚠ {message}" if message else "")
            box.display = bool(message)
        leftovers += [m for k, m in errors.items() if k not in names]
        box = self.query_one("#form-error", Static)
        box.update("\n".join(f"⚠ {m}" for m in leftovers))
        box.display = bool(leftovers)
        self.query_one("#form-ok", Button).disabled = False
        first = next((f for f in self.fields if f.name in errors and not f.hidden), None)
        if first:
            self.query_one(f"#f-{first.name}").focus()

    def on_validation_error(self, exc: ValidationError) -> None:
        """Hook for dialogs that react to a particular error (e.g. the capacity choice)."""

    def on_refused(self, exc: RefusedError | NotFoundError) -> object:
        """The save was refused: its message above the buttons (dialogs may do more)."""
        self.show_errors({}, str(exc))
        return None

    @on(Input.Submitted)
    def _enter_saves(self, event: Input.Submitted) -> None:
        """Enter in a field saves, like « Enregistrer » (the keyboard of a busy door)."""
        event.stop()
        if not self.query_one("#form-ok", Button).disabled:
            self.action_submit()

    @on(Button.Pressed, "#form-ok")
    def action_submit(self) -> None:
        if self.fields_pending:
            return
        self.query_one("#form-ok", Button).disabled = True
        self.run_save(self.values())

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def run_save(self, values: dict[str, Any]) -> Then | None:
        """Saved: the dialog is dismissed with the result once this worker has ended (`Then`)."""
        try:
            with self.kiosk.database.connection_context():
                result = self.save(values)
        except ValidationError as exc:
            self.app.call_from_thread(self.on_validation_error, exc)
            self.app.call_from_thread(self.show_errors, exc.errors)
        except (RefusedError, NotFoundError) as exc:
            self.app.call_from_thread(self.on_refused, exc)
        except peewee.DatabaseError:
            self.app.call_from_thread(
                self.show_errors, {}, _("Base de données indisponible : rien n'a été enregistré.")
            )
        else:
            if isinstance(result, Stay):
                self.app.call_from_thread(self.stay, result)
                return None
            return Then(partial(self.saved, result if result is not None else ""))
        return None

    def stay(self, shown: Stay) -> AwaitComplete:
        """`shown.text` at the top of the fields (replacing the last one), errors cleared."""

        async def show() -> None:
            self.show_errors({})
            box = self.query_one("#form-fields", VerticalScroll)
            await box.query("#form-stay").remove()
            await box.mount(Static(shown.text, id="form-stay", markup=False), before=0)
            if shown.ok_label:
                self.query_one("#form-ok", Button).label = shown.ok_label
            box.scroll_home(animate=False)

        return AwaitComplete(show())

    def saved(self, result: object) -> None:
        """Dismissed with what the save returned; if a screen came on top meanwhile (the outage
        screen, for another worker), once it has gone: `dismiss` takes the top screen away."""
        if self.is_active:
            self.dismiss(result)
        else:
            self._saved_result = (result,)

    def on_screen_resume(self) -> None:
        if self._saved_result is not None:
            (result,), self._saved_result = self._saved_result, None
            self.dismiss(result)

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class InfoDialog(TranslatedBindings, ModalScreen[None]):
    """Read-only text (e.g. who to warn after a cancellation)."""

    BINDINGS = [Binding("escape", "close", N_("Fermer"), id="info-close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__(classes="staff-dialog")
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog"):
            yield Static(self.title_text, id="form-title", markup=False)
            with VerticalScroll(id="form-fields"):
                yield Static(self.text, id="info-text", markup=False)
            with Horizontal(classes="actions"):
                yield Button(_("Fermer"), id="info-close", variant="primary")

    @on(Button.Pressed, "#info-close")
    def action_close(self) -> None:
        self.dismiss(None)
