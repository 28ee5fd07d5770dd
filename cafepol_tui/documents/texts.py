"""Words printed on the documents, marked for the `messages` catalog (French source).

Every renderer takes `lang` (default: the current language) and draws inside
`with language(lang):`, so `t(HEADLINE)` is in the document's language whoever asks for it: the
CLI's `--lang`, the staff console's choice, or the kiosk's current language. A meeting's own
texts (place, address, description, cancellation reason) are printed as staff typed them.
"""

from __future__ import annotations

from datetime import datetime

from cafepol_tui.i18n import N_, current_language, translator
from cafepol_tui.services.formatting import format_day, format_hours
from cafepol_tui.services.validation import titled_name

_ = translator("texts")

# TRANSLATORS: the name of the meetings, as on the zone's posters (« Coffee with a cop »).
HEADLINE = N_("Un café avec votre policier de quartier")
COMMUNE = N_("Commune de {commune}")
OFFICER = N_("Votre policier de quartier : {name}")
# The same line for a female officer, and for one who is neither (gender « x »).
OFFICER_F = N_("Votre policière de quartier : {name}")
OFFICER_X = N_("Votre contact à la police de quartier : {name}")
PARTNERS = N_("Avec : {names}")
THEMES = N_("Thèmes : {names}")

# The flyer's introduction when the zone configured none (`documents.intro_text`, printed as
# typed) and the meeting has no description of its own. Its first sentence is short: a busy
# A5 flyer has room for it alone (the flyer prints whole sentences, as many as fit).
# TRANSLATORS: keep the first sentence short (one line of about 60 characters).
FLYER_INTRO = N_(
    "Autour d'un café, votre policier de quartier vous écoute. Sentiment d'insécurité, "
    "nuisances, cambriolages, vie du quartier : chaque situation est entendue ; ce qui ne "
    "peut être réglé sur place est suivi dans les jours qui suivent, et vous recevez une réponse."
)
SIGNUP_TITLE = N_("Inscription gratuite")
# TRANSLATORS: {place} is the police station's name, « commissariat de Frameries ».
SIGNUP_COUNTER = N_("au guichet du {place}")
SIGNUP_COUNTER_GENERIC = N_("au guichet de votre commissariat")
SIGNUP_PHONE = N_("par téléphone : {phone}")
SIGNUP_KIOSK = N_("ou sur la borne du commissariat")
INTERESTED = N_(
    "Scannez le code et cliquez « Intéressé(e) » : nous saurons combien de cafés prévoir."
)
ZONE_PAGE = N_("Toutes les rencontres sur la page de la zone :")
NO_LINK = N_(
    "Cette rencontre n'a pas de page en ligne : inscrivez-vous au guichet ou par téléphone."
)
CANCELLED = N_("ANNULÉE")
CANCELLED_NOTE = N_("Cette rencontre est annulée.")
PROGRAMME_TITLE = N_("Programme du mois de {month}")
PROGRAMME_ZONE = N_("Toutes les communes de la {zone}")
PROGRAMME_COMMUNE = N_("Commune de {commune}")
PROGRAMME_EMPTY = N_("Aucune rencontre n'est programmée ce mois-ci.")
PROGRAMME_SIGNUP = N_("Inscription gratuite au guichet de votre commissariat ou par téléphone.")
PROGRAMME_NO_LINK = N_("Pas de page en ligne : inscription au guichet.")
SLIP_TITLE = N_("Confirmation d'inscription")
SLIP_WAITLIST = N_("Liste d'attente — position {rank}")
SLIP_WAITLIST_NOTE = N_("Nous vous prévenons dès qu'une place se libère.")
SLIP_CANCELLED = N_("Inscription annulée")
SLIP_ATTENDED = N_("Présence enregistrée")
SLIP_REFERENCE = N_("Votre code")
SLIP_NAME = N_("Nom : {name}")
SLIP_PEOPLE = N_("Nombre de personnes : {people}")
# TRANSLATORS: {phone} is empty or « (065 71 21 00) », with its leading space.
SLIP_CANCEL = N_(
    "Pour annuler : donnez ce code au guichet, sur la borne ou par téléphone{phone}. "
    "Votre place ira à une personne en liste d'attente."
)
SLIP_EVENT = N_("Page de l'événement :")
# TRANSLATORS: {phone} as in the text above.
SLIP_CANCEL_WAITLIST = N_(
    "Pour quitter la liste d'attente : donnez ce code au guichet, sur la borne ou par "
    "téléphone{phone}."
)
SLIP_CANCELLED_NOTE = N_(
    "Cette inscription est annulée : ce document ne réserve aucune place à la rencontre."
)
ATTENDANCE_TITLE = N_("Liste de présence")
ATTENDANCE_SEATS = N_("Places : {taken} / {capacity} · liste d'attente : {waiting}")
ATTENDANCE_CONFIRMED = N_("Inscrits ({count} inscriptions, {people} personnes)")
ATTENDANCE_WAITLIST = N_("Liste d'attente ({count})")
ATTENDANCE_NONE = N_("Aucune inscription.")
ATTENDANCE_TOPICS = N_("Sujets signalés à l'avance")
ATTENDANCE_NO_TOPICS = N_("Aucun sujet signalé.")
# TRANSLATORS: column heads of the attendance sheet; keep them short (Pers. = people).
ATTENDANCE_COL_TICK = N_("Présent")
ATTENDANCE_COL_NAME = N_("Nom")
ATTENDANCE_COL_PEOPLE = N_("Pers.")
ATTENDANCE_COL_REF = N_("Code")
ATTENDANCE_COL_PHONE = N_("Téléphone")
ATTENDANCE_COL_STATUS = N_("Statut")
STATUS_CONFIRMED = N_("inscrit")
STATUS_ATTENDED = N_("présent")
STATUS_WAITLISTED = N_("attente {rank}")
# Printed matter of the zone (flyer, programme, share kit).
# TRANSLATORS: {numbers} is the zone's « 101 / 112 ».
EMERGENCY = N_("Urgence : {numbers}")
# TRANSLATORS: the « éditeur responsable » every printed leaflet must name in Belgium.
PUBLISHER = N_("Éd. resp. : {publisher}")
OPENING_HOURS = N_("Heures d'ouverture : {hours}")
# TRANSLATORS: {day} « samedi 12 décembre 2026 », {hours} « de 10 h à 11 h 30 ».
REPLACED_BY = N_("Nouvelle date : {day}, {hours}, {place}")
CANCELLED_INFO = N_("Renseignements au guichet du {place}")
CANCELLED_INFO_GENERIC = N_("Renseignements au guichet de votre commissariat")
# TRANSLATORS: French elides « de » before a vowel (« du mois d'avril 2026 »); in another
# language, the same as « Programme du mois de {month} ».
PROGRAMME_TITLE_ELIDED = N_("Programme du mois d'{month}")
PROGRAMME_PHONE = N_("Inscription gratuite au guichet de votre commissariat ou par téléphone au {phone}.")
PROGRAMME_OFFICER = N_("Avec {name}")
# The confirmed parties' heading: {registrations} and {people} are the counts below, in words.
ATTENDANCE_CONFIRMED_HEAD = N_("Inscrits ({registrations}, {people})")
ATTENDANCE_WALK_INS = N_("Venus sans inscription")
ATTENDANCE_COL_NOTES = N_("Notes")
ATTENDANCE_CONFIDENTIAL = N_("Confidentiel — à détruire après la rencontre")
ATTENDANCE_CANCELLED = N_("Cette rencontre est annulée : personne n'est attendu.")
CANCEL_REASON = N_("Motif : {reason}")
STATUS_ABSENT = N_("absent")
PAGE = N_("Page {n}/{total}")
PRINTED = N_("Imprimé le {when}")


def t(text: str, **values: object) -> str:
    """One of the texts above in the current language, its {fields} filled in."""
    translated = _(text)
    return translated.format(**values) if values else translated


def elided(text: str, elided_text: str, word: str, **values: object) -> str:
    """`elided_text` before a vowel or a mute h (« d'avril », « d'octobre »), else `text`;
    in a language whose catalog has no translation of the elided form, `text`."""
    translated = _(elided_text)
    vowel = word[:1].lower() in "aeiouyhàâéèêëîïôöûüœæ"
    if vowel and (translated != elided_text or current_language() == "fr"):
        return translated.format(**values)
    return t(text, **values)


def officer_title(gender: str, grade: str, name: str) -> str:
    """« Inspectrice Sophie Lambert »: the grade by the officer's gender (a grade typed in its
    masculine form is given its feminine for a policewoman), then the name."""
    return titled_name(feminine_grade(grade) if gender == "f" else grade, name)


# The grades of the Belgian police, masculine -> feminine (fr, nl, de; English has one form).
FEMININE_GRADES = {
    "agent": "agente",
    "inspecteur": "inspectrice",
    "inspecteur principal": "inspectrice principale",
    "commissaire": "commissaire",
    "commissaire divisionnaire": "commissaire divisionnaire",
    "inspecteur de quartier": "inspectrice de quartier",
    "hoofdinspecteur": "hoofdinspectrice",
    "inspecteur-hoofdinspecteur": "inspectrice-hoofdinspectrice",
    "wijkinspecteur": "wijkinspectrice",
    "hauptinspektor": "hauptinspektorin",
    "inspektor": "inspektorin",
    "polizeiinspektor": "polizeiinspektorin",
    "kommissar": "kommissarin",
}


def feminine_grade(grade: str) -> str:
    """The feminine of a masculine grade, with its capital kept; other grades as typed."""
    words = " ".join(grade.split())
    feminine = FEMININE_GRADES.get(words.lower())
    if feminine is None:
        return words
    return feminine[:1].upper() + feminine[1:] if words[:1].isupper() else feminine

def plural(singular: str, many: str, n: int, **values: object) -> str:
    """The form for `n` in the current language, {n} and the other fields filled in.

    French counts 0 as singular (« 0 inscription »); the French source has no catalog to say
    so, hence the rule here.
    """
    from cafepol_tui.i18n import current_language

    k = 1 if n == 0 and current_language() == "fr" else n
    return _.plural(singular, many, k).format(n=n, **values)


def officer_line(gender: str, grade: str, name: str) -> str:
    """« Votre policière de quartier : Inspectrice Sophie Lambert »: by gender, with the grade."""
    text = {"f": OFFICER_F, "x": OFFICER_X}.get(gender, OFFICER)
    return t(text, name=officer_title(gender, grade, name))


def day_and_hours(start: datetime, end: datetime, lang: str | None = None) -> tuple[str, str]:
    """(« Samedi 12 décembre 2026 », « de 10 h à 11 h 30 »), in `lang` or the current language."""
    day = format_day(start, lang)
    return day[:1].upper() + day[1:], format_hours(start, end, lang)


def phone_for_print(e164: str) -> str:
    """« 065 71 21 00 »; a number that can't be parsed is printed as stored."""
    from cafepol_tui.services.validation import format_phone

    try:
        return format_phone(e164)
    except Exception:
        return e164
