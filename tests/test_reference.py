"""The zone's reference data edited row by row: the zone import's checks, unique names,
the MANAGE_ZONE permission and the audit log."""

from __future__ import annotations

from typing import Any

import peewee
import pytest

from cafepol_tui.db.models import Commune, Officer
from cafepol_tui.services import audit, reference
from cafepol_tui.services.permissions import Operator, PermissionRefusedError
from cafepol_tui.services.validation import ValidationError
from cafepol_tui.statuses import StaffRole

ADMIN = Operator("admin-anne", StaffRole.ADMIN)

GOOD: dict[str, dict[str, Any]] = {
    "commissariats": {"name": "Commissariat de Test", "address": "Rue 1, 7000 Mons",
                      "phone": "065 00 00 00", "hours": "9h-17h"},
    "communes": {"name": "Testville", "postal_codes": "7999 7998",
                 "commissariat": "commissariat de test", "places": ""},
    "officers": {"name": "Sophie Lambert", "grade": "Inspectrice", "gender": "F",
                 "commune": "TESTVILLE", "phone": ""},
    "partners": {"name": "Plan de cohésion", "kind": "PCS", "email": "pcs@example.be",
                 "phone": ""},
    "themes": {"name": "Cambriolages", "name_fr": "Cambriolages", "name_nl": "Inbraken",
               "name_de": "Einbrüche", "name_en": "Burglaries"},
}


def _all(db: peewee.Database) -> dict[str, dict[str, Any]]:
    return {kind: reference.create(kind, GOOD[kind], actor=ADMIN) for kind in
            ("commissariats", "communes", "officers", "partners", "themes")}


def test_create_each_kind_with_the_import_rules(db: peewee.Database) -> None:
    rows = _all(db)
    assert rows["commissariats"]["phone"] == "+3265000000"
    assert rows["communes"]["postal_codes"] == "7999 7998"
    assert rows["communes"]["commissariat"] == "Commissariat de Test"
    assert Commune.get_by_id(rows["communes"]["id"]).postal_code == "7999"
    assert rows["officers"]["gender"] == "f"
    assert rows["officers"]["commune"] == "Testville"
    assert Officer.get_by_id(rows["officers"]["id"]).commissariat == "Commissariat de Test"
    assert rows["partners"]["email"] == "pcs@example.be"
    assert rows["themes"]["name_nl"] == "Inbraken"
    names = [r["name"] for r in reference.list_rows("partners")]
    assert "Plan de cohésion" in names


def test_edit_deactivate_reactivate_each_kind(db: peewee.Database) -> None:
    rows = _all(db)
    for kind, row in rows.items():
        data = {**GOOD[kind], "name": GOOD[kind]["name"] + " bis"}
        for ref in ("commissariat", "commune"):  # what was renamed before it
            if ref in data:
                data[ref] += " bis"
        edited = reference.update(kind, row["id"], data, actor=ADMIN)
        assert edited["name"].endswith(" bis")
        assert reference.set_active(kind, row["id"], False, actor=ADMIN)["active"] is False
        active = reference.list_rows(kind, include_inactive=False)
        assert row["id"] not in [r["id"] for r in active]
        assert reference.set_active(kind, row["id"], True, actor=ADMIN)["active"] is True
    # A renamed commissariat is renamed on its officers' flyer line too.
    assert Officer.get_by_id(rows["officers"]["id"]).commissariat == "Commissariat de Test bis"


def test_duplicate_name_refused_case_insensitively(db: peewee.Database) -> None:
    _all(db)
    with pytest.raises(ValidationError) as caught:
        reference.create("partners", {"name": "PLAN  de Cohésion"}, actor=ADMIN)
    assert set(caught.value.errors) == {"name"}
    other = reference.create("partners", {"name": "Autre"}, actor=ADMIN)
    with pytest.raises(ValidationError):
        reference.update("partners", other["id"], {"name": "plan de cohésion"}, actor=ADMIN)
    # Its own name, unchanged, is no duplicate.
    reference.update("partners", other["id"], {"name": "autre", "kind": "x"}, actor=ADMIN)


def test_bad_input_named_per_field(db: peewee.Database) -> None:
    with pytest.raises(ValidationError) as caught:
        reference.create("partners", {"name": " ", "email": "nope", "phone": "12"}, actor=ADMIN)
    assert set(caught.value.errors) == {"name", "email", "phone"}
    with pytest.raises(ValidationError) as caught:
        reference.create("communes", {"name": "X", "postal_codes": "12",
                                      "commissariat": "Inconnu"}, actor=ADMIN)
    assert set(caught.value.errors) == {"postal_codes", "commissariat"}
    with pytest.raises(ValidationError) as caught:
        reference.create("officers", {"name": "Y", "gender": "q", "commune": ""}, actor=ADMIN)
    assert set(caught.value.errors) == {"gender", "commune"}
    with pytest.raises(ValidationError) as caught:
        reference.create("themes", {"name": "T", "name_nl": "x" * 121}, actor=ADMIN)
    assert set(caught.value.errors) == {"name_nl"}


@pytest.mark.parametrize("role", [StaffRole.COUNTER, StaffRole.OFFICER])
def test_permission_refused_below_admin(db: peewee.Database, role: str) -> None:
    row = reference.create("partners", {"name": "P"}, actor=ADMIN)
    actor = Operator("someone", role)
    with pytest.raises(PermissionRefusedError):
        reference.create("partners", {"name": "Q"}, actor=actor)
    with pytest.raises(PermissionRefusedError):
        reference.update("partners", row["id"], {"name": "R"}, actor=actor)
    with pytest.raises(PermissionRefusedError):
        reference.set_active("partners", row["id"], False, actor=actor)


def test_audit_entry_names_the_actor(db: peewee.Database) -> None:
    row = reference.create("partners", {"name": "Audité"}, actor=ADMIN)
    reference.set_active("partners", row["id"], False, actor=ADMIN)
    entries = audit.list_entries(actor="admin-anne")
    assert [e.action for e in entries] == ["partners deactivate", "partners create"]
    assert entries[0].target == "Audité"
