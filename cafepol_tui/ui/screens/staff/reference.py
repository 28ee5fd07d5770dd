"""« Données de la zone », for administrators: the zone's communes, commissariats, officers,
partners and themes, listed, added, edited, deactivated and reactivated one row at a time
(`services.reference`: the zone import's own checks)."""

from __future__ import annotations

from typing import Any

import peewee
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static, Tab, Tabs

from cafepol_tui.i18n import N_, translator
from cafepol_tui.services import reference
from cafepol_tui.services.validation import NotFoundError, RefusedError
from cafepol_tui.ui.screens.staff.base import StaffScreen
from cafepol_tui.ui.screens.staff.form import Field, FormDialog

_ = translator("staff")

KIND_TITLES = {
    "communes": N_("Communes"),
    "commissariats": N_("Commissariats"),
    "officers": N_("Policiers"),
    "partners": N_("Partenaires"),
    "themes": N_("Thèmes"),
}
FIELD_LABELS = {
    "name": N_("Nom"),
    "postal_codes": N_("Codes postaux (séparés par des espaces)"),
    "commissariat": N_("Commissariat"),
    "places": N_("Lieux habituels (liste JSON)"),
    "address": N_("Adresse"),
    "phone": N_("Téléphone"),
    "hours": N_("Heures d'ouverture"),
    "grade": N_("Grade"),
    "gender": N_("Genre"),
    "commune": N_("Commune"),
    "kind": N_("Type"),
    "email": N_("E-mail"),
    "name_fr": N_("Nom en français"),
    "name_nl": N_("Nom en néerlandais"),
    "name_de": N_("Nom en allemand"),
    "name_en": N_("Nom en anglais"),
}


def _fields(kind: str, row: dict[str, Any] | None) -> list[Field]:
    row = row or {}
    fields = []
    for name in reference.FIELDS[kind]:
        value = row.get(name, "") or ""
        label = _(FIELD_LABELS[name])
        if name == "gender":
            options = (
                (_("non précisé"), ""), (_("femme"), "f"), (_("homme"), "m"), (_("autre"), "x"),
            )
            fields.append(Field(name, label, value, "select", options))
        elif name in ("hours", "places"):
            fields.append(Field(name, label, value, "text"))
        else:
            fields.append(Field(name, label, value))
    return fields


def reference_dialog(kiosk: Any, kind: str, row: dict[str, Any] | None = None) -> FormDialog:
    """Add a row of `kind` (`row` None) or edit `row`; a theme's translations beside its name."""
    user = kiosk.staff_user
    title = _(KIND_TITLES[kind])

    def save(values: dict[str, Any]) -> str:
        assert user is not None
        if row is None:
            saved = reference.create(kind, values, actor=user)
        else:
            saved = reference.update(kind, row["id"], values, actor=user)
        return _("« {name} » enregistré.").format(name=saved["name"])

    heading = _("{kind} : ajouter").format(kind=title) if row is None else _(
        "{kind} : modifier « {name} »").format(kind=title, name=row["name"])
    return FormDialog(kiosk, heading, _fields(kind, row), save)


class ReferenceScreen(StaffScreen):
    BINDINGS = [
        Binding("a", "add", N_("Ajouter"), id="reference-add"),
        Binding("e", "edit", N_("Modifier"), id="reference-edit"),
        # TRANSLATORS: footer key: deactivate the selected row, or reactivate it.
        Binding("delete", "toggle_active", N_("Désactiver / réactiver"), id="reference-toggle"),
    ]
    AUTO_FOCUS = "#reference-table"

    def __init__(self) -> None:
        super().__init__()
        self.kind = reference.KINDS[0]
        self.rows: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-reference-page"):
            yield Static(_("Données de la zone"), id="staff-heading")
            yield Tabs(*(Tab(_(KIND_TITLES[k]), id=f"kind-{k}") for k in reference.KINDS),
                       id="reference-kinds")
            yield DataTable(id="reference-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="actions"):
                yield Button(_("Ajouter"), id="reference-add-button", variant="primary")
                yield Button(_("Modifier"), id="reference-edit-button")
                yield Button(_("Désactiver / réactiver"), id="reference-toggle-button")
        yield self.compose_footer()

    def on_mount(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    @on(Tabs.TabActivated, "#reference-kinds")
    def _kind_chosen(self, event: Tabs.TabActivated) -> None:
        kind = (event.tab.id or "").removeprefix("kind-")
        if kind in reference.KINDS and kind != self.kind:
            self.kind = kind
            self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        kind = self.kind
        with self.kiosk.database.connection_context():
            rows = reference.list_rows(kind)
        self.app.call_from_thread(self.show, kind, rows)

    def show(self, kind: str, rows: list[dict[str, Any]]) -> None:
        if kind != self.kind:
            return
        table = self.query_one("#reference-table", DataTable)
        table.clear(columns=True)
        shown = [f for f in reference.FIELDS[kind] if f != "places"]
        table.add_columns(*(_(FIELD_LABELS[f]) for f in shown), _("Actif"))
        yes, no = _("oui"), _("non")
        self.rows = {}
        for row in rows:
            self.rows[str(row["id"])] = row
            cells = [str(row[f]).replace("\n", " ")[:60] for f in shown]
            table.add_row(*cells, yes if row["active"] else no, key=str(row["id"]))

    def _selected(self) -> dict[str, Any] | None:
        table = self.query_one("#reference-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key or "")

    @on(Button.Pressed, "#reference-add-button")
    def action_add(self) -> None:
        self.app.push_screen(reference_dialog(self.kiosk, self.kind), self._saved)

    @on(Button.Pressed, "#reference-edit-button")
    def action_edit(self) -> None:
        row = self._selected()
        if row is not None:
            self.app.push_screen(reference_dialog(self.kiosk, self.kind, row), self._saved)

    @on(Button.Pressed, "#reference-toggle-button")
    def action_toggle_active(self) -> None:
        row = self._selected()
        if row is not None and self.user is not None:
            self.toggle(self.kind, row["id"], not row["active"])

    @work(thread=True, exclusive=True, group="reference-toggle", exit_on_error=False)
    def toggle(self, kind: str, row_id: int, active: bool) -> None:
        assert self.user is not None
        try:
            with self.kiosk.database.connection_context():
                row = reference.set_active(kind, row_id, active, actor=self.user)
        except (RefusedError, NotFoundError) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="warning")
            return
        except peewee.DatabaseError:
            self.app.call_from_thread(
                self.notify, _("Base de données indisponible : rien n'a été enregistré."),
                severity="error",
            )
            return
        message = _("« {name} » réactivé.") if active else _("« {name} » désactivé.")
        self.app.call_from_thread(self.notify, message.format(name=row["name"]))
        self.app.call_from_thread(self.load)
