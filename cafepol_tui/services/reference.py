"""The zone's reference data edited one row at a time (the staff console's « Données de la
zone »): communes, commissariats, officers, partners and themes.

Every value is checked as a zone import checks it (`zone_file.Entry`, key by key) and names are
matched as the import matches them (`zone_file.key`), so what the console writes a later
export/import round-trips. Rows are never deleted here, only deactivated (and reactivated):
meetings and concerns keep pointing at them. Call inside a database connection.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from cafepol_tui.db.engine import database_proxy, write_transaction
from cafepol_tui.db.models import Commissariat, Commune, Officer, Partner, Theme
from cafepol_tui.i18n import translator
from cafepol_tui.services import audit
from cafepol_tui.services.permissions import Actor, Permission, require
from cafepol_tui.services.validation import NotFoundError, ValidationError
from cafepol_tui.services.zone_file import GENDERS, LANGUAGES, Entry, ZoneFileError, key

_ = translator("texts")

MODELS: dict[str, Any] = {
    "communes": Commune,
    "commissariats": Commissariat,
    "officers": Officer,
    "partners": Partner,
    "themes": Theme,
}
KINDS = tuple(MODELS)

# The form's fields of each kind, in the order a dialog shows them.
FIELDS: dict[str, tuple[str, ...]] = {
    "communes": ("name", "postal_codes", "commissariat", "places"),
    "commissariats": ("name", "address", "phone", "hours"),
    "officers": ("name", "grade", "gender", "commune", "phone"),
    "partners": ("name", "kind", "email", "phone"),
    "themes": ("name", *(f"name_{lang}" for lang in LANGUAGES)),
}


class _Check:
    """Each field checked by the zone import's own rule; every problem kept, by field."""

    def __init__(self, kind: str, data: Mapping[str, Any]) -> None:
        self.entry = Entry(kind, None, {k: v for k, v in data.items() if v is not None})
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def field(self, name: str, fn: Callable[[], Any]) -> None:
        try:
            self.values[name] = fn()
        except ZoneFileError as exc:
            self.errors[exc.key or name] = exc.problem
        except ValidationError as exc:
            self.errors.update(exc.errors)


def _by_name(model: Any, text: str, field_name: str) -> Any:
    """The active row of `model` that `text` names (as the import matches names)."""
    for row in model.select().where(model.active == True):  # noqa: E712
        if key(row.name) == key(text):
            return row
    raise ValidationError({field_name: _("« {name} » n'existe pas ou est désactivé.").format(
        name=text[:60])})


def _postal_codes(entry: Entry) -> str:
    raw = entry.data.get("postal_codes", "")
    if isinstance(raw, str):
        entry.data = {**entry.data, "postal_codes": raw.replace(",", " ").split()}
    return " ".join(entry.postal_codes("postal_codes"))


def _places(entry: Entry) -> str:
    raw = entry.data.get("places", [])
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "[]")
        except ValueError:
            raise ValidationError({"places": _("Liste de lieux illisible.")}) from None
        entry.data = {**entry.data, "places": raw}
    places = entry.places("places")
    return json.dumps([{"name": p.name, "address": p.address} for p in places],
                      ensure_ascii=False)


def _checked(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The model's values for what the form says, or `ValidationError` naming each field."""
    if kind not in MODELS:
        raise NotFoundError(kind)
    check = _Check(kind, data)
    e = check.entry
    limits = {"communes": 80}
    check.field("name", lambda: e.text("name", limits.get(kind, 120), required=True))
    if kind == "commissariats":
        check.field("address", lambda: e.text("address", 240))
        check.field("phone", lambda: e.phone("phone"))
        check.field("hours", lambda: e.text("hours", 500, lines=True))
    elif kind == "communes":
        check.field("postal_codes", lambda: _postal_codes(e))
        check.field("places", lambda: _places(e))

        def station() -> Any:
            text = e.text("commissariat", 120)
            return _by_name(Commissariat, text, "commissariat") if text else None

        check.field("commissariat", station)
    elif kind == "officers":
        check.field("grade", lambda: e.text("grade", 80))
        check.field("gender", lambda: e.choice("gender", GENDERS))
        check.field("phone", lambda: e.phone("phone"))
        check.field("commune", lambda: _by_name(
            Commune, e.text("commune", 120, required=True), "commune"))
    elif kind == "partners":
        check.field("kind", lambda: e.text("kind", 80))
        check.field("email", lambda: e.email("email"))
        check.field("phone", lambda: e.phone("phone"))
    else:
        for lang in LANGUAGES:
            # A form names them name_fr…; the zone file, fr….
            e.data = {**e.data, lang: e.data.get(f"name_{lang}", "")}
            check.field(f"name_{lang}", _translation(e, lang))
    if check.errors:
        raise ValidationError(check.errors)
    values = check.values
    if kind == "communes":
        chosen = values.pop("commissariat")
        values["commissariat"] = chosen.id if chosen else None
        values["postal_code"] = values["postal_codes"].split()[0]
    if kind == "officers":
        town = values.pop("commune")
        values["commune"] = town.id
        values["commissariat"] = town.commissariat.name if town.commissariat_id else ""
    return values


def _translation(e: Entry, lang: str) -> Callable[[], str]:
    def read() -> str:
        try:
            return e.text(lang, 120)
        except ZoneFileError as exc:
            raise ValidationError({f"name_{lang}": exc.problem}) from None

    return read


def _unique(model: Any, name: str, row_id: int | None) -> None:
    for row in model.select(model.id, model.name):
        if row.id != row_id and key(row.name) == key(name):
            raise ValidationError({"name": _("Ce nom est déjà utilisé (« {name} »).").format(
                name=row.name[:60])})


def _row(model: Any, row_id: int) -> Any:
    try:
        return model.get_by_id(row_id)
    except model.DoesNotExist:
        raise NotFoundError(f"{model.__name__} {row_id}") from None


def list_rows(kind: str, *, include_inactive: bool = True) -> list[dict[str, Any]]:
    """The rows of `kind` by name: each field's value as a form shows it, `id` and `active`."""
    model = MODELS[kind]
    query = model.select().order_by(model.name)
    if not include_inactive:
        query = query.where(model.active == True)  # noqa: E712
    return [_shown(kind, row) for row in query]


def _shown(kind: str, row: Any) -> dict[str, Any]:
    shown: dict[str, Any] = {"id": row.id, "active": row.active}
    for name in FIELDS[kind]:
        if kind == "communes" and name == "commissariat":
            shown[name] = row.commissariat.name if row.commissariat_id else ""
        elif kind == "officers" and name == "commune":
            shown[name] = row.commune.name if row.commune_id else ""
        else:
            shown[name] = getattr(row, name)
    return shown


def _changing(kind: str, actor: Actor) -> Any:
    """The model of `kind`, once the actor's role is allowed to change the zone's data."""
    require(actor, Permission.MANAGE_ZONE)
    model = MODELS.get(kind)
    if model is None:
        raise NotFoundError(kind)
    return model


def create(kind: str, data: Mapping[str, Any], *, actor: Actor) -> dict[str, Any]:
    """A new row of `kind`, active; refused (`ValidationError`) as the zone import would."""
    model = _changing(kind, actor)
    with write_transaction(database_proxy.obj):
        values = _checked(kind, data)
        _unique(model, values["name"], None)
        row = model.create(**values, active=True)
        audit.record(actor.name, f"{kind} create", values["name"], f"id {row.id}")
    return _shown(kind, _row(model, row.id))


def update(kind: str, row_id: int, data: Mapping[str, Any], *, actor: Actor) -> dict[str, Any]:
    """Row `row_id` of `kind` with what the form says (every field of the kind)."""
    model = _changing(kind, actor)
    with write_transaction(database_proxy.obj):
        row = _row(model, row_id)
        values = _checked(kind, data)
        _unique(model, values["name"], row.id)
        changed = sorted(k for k, v in values.items() if row.__data__.get(k) != v)
        if changed:
            model.update(**values).where(model.id == row.id).execute()
            if kind == "commissariats" and "name" in changed:
                # The flyer's officer line names the commissariat, as an import keeps it.
                towns = Commune.select(Commune.id).where(Commune.commissariat == row.id)
                Officer.update(commissariat=values["name"]).where(
                    Officer.commune.in_(towns)).execute()
            audit.record(actor.name, f"{kind} edit", values["name"],
                         f"id {row.id}: " + ", ".join(changed))
    return _shown(kind, _row(model, row_id))


def set_active(kind: str, row_id: int, active: bool, *, actor: Actor) -> dict[str, Any]:
    """Deactivate (kept for the history, no longer offered) or reactivate row `row_id`."""
    model = _changing(kind, actor)
    with write_transaction(database_proxy.obj):
        row = _row(model, row_id)
        if row.active != active:
            model.update(active=active).where(model.id == row.id).execute()
            action = "reactivate" if active else "deactivate"
            audit.record(actor.name, f"{kind} {action}", row.name, f"id {row.id}")
    return _shown(kind, _row(model, row_id))
