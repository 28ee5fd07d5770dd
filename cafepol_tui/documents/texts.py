"""Words printed on the documents, by language. French is complete; other languages fall back
to it key by key until the language issue fills them in."""

from __future__ import annotations

from datetime import datetime

from cafepol_tui.services.formatting import format_clock, format_day

FR: dict[str, str] = {
    "headline": "Un café avec votre policier de quartier",
    "from_to": "de {start} à {end}",
    "commune": "Commune de {commune}",
    "officer": "Votre policier de quartier : {name}",
    "partners": "Avec : {names}",
    "themes": "Thèmes : {names}",
    "signup_title": "Inscription gratuite",
    "signup_counter": "au guichet du {place}",
    "signup_counter_generic": "au guichet de votre commissariat",
    "signup_phone": "par téléphone : {phone}",
    "signup_kiosk": "ou sur la borne du commissariat",
    "interested": "Scannez le code et cliquez « Intéressé(e) » : nous saurons combien de cafés prévoir.",
    "zone_page": "Toutes les rencontres sur la page de la zone :",
    "no_link": "Cette rencontre n'a pas de page en ligne : inscrivez-vous au guichet ou par téléphone.",
    "cancelled": "ANNULÉE",
    "cancelled_note": "Cette rencontre est annulée.",
    "programme_title": "Programme du mois de {month}",
    "programme_zone": "Toutes les communes de la {zone}",
    "programme_commune": "Commune de {commune}",
    "programme_empty": "Aucune rencontre n'est programmée ce mois-ci.",
    "programme_signup": "Inscription gratuite au guichet de votre commissariat ou par téléphone.",
    "programme_no_link": "Pas de page en ligne : inscription au guichet.",
    "slip_title": "Confirmation d'inscription",
    "slip_waitlist": "Liste d'attente — position {rank}",
    "slip_waitlist_note": "Nous vous prévenons dès qu'une place se libère.",
    "slip_cancelled": "Inscription annulée",
    "slip_attended": "Présence enregistrée",
    "slip_reference": "Votre code",
    "slip_name": "Nom : {name}",
    "slip_people": "Nombre de personnes : {people}",
    "slip_cancel": (
        "Pour annuler : donnez ce code au guichet, sur la borne ou par téléphone{phone}. "
        "Votre place ira à une personne en liste d'attente."
    ),
    "slip_event": "Page de l'événement :",
    "attendance_title": "Liste de présence",
    "attendance_seats": "Places : {taken} / {capacity} · liste d'attente : {waiting}",
    "attendance_confirmed": "Inscrits ({count} inscriptions, {people} personnes)",
    "attendance_waitlist": "Liste d'attente ({count})",
    "attendance_none": "Aucune inscription.",
    "attendance_topics": "Sujets signalés à l'avance",
    "attendance_no_topics": "Aucun sujet signalé.",
    "attendance_col_tick": "Présent",
    "attendance_col_name": "Nom",
    "attendance_col_people": "Pers.",
    "attendance_col_ref": "Code",
    "attendance_col_phone": "Téléphone",
    "attendance_col_status": "Statut",
    "status_confirmed": "inscrit",
    "status_attended": "présent",
    "status_waitlisted": "attente {rank}",
    "page": "Page {n}/{total}",
    "printed": "Imprimé le {when}",
}

LANGUAGES: dict[str, dict[str, str]] = {"fr": FR}


def t(key: str, lang: str = "fr", **values: object) -> str:
    template = LANGUAGES.get(lang, FR).get(key, FR[key])
    return template.format(**values) if values else template


def day_and_hours(start: datetime, end: datetime, lang: str = "fr") -> tuple[str, str]:
    """(« Samedi 12 décembre 2026 », « de 10 h à 11 h 30 »)"""
    day = format_day(start, lang)
    return day[:1].upper() + day[1:], t(
        "from_to", lang, start=format_clock(start, lang), end=format_clock(end, lang)
    )


def phone_for_print(e164: str) -> str:
    """« 065 71 21 00 »; a number that can't be parsed is printed as stored."""
    from cafepol_tui.services.validation import format_phone

    try:
        return format_phone(e164)
    except Exception:
        return e164
