"""Check what a person typed. Every problem is a sentence tied to the field it concerns, in the
current language: the messages are translated when they are raised (`_()` in each clean_*)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

from cafepol_tui.glyphs import undrawable
from cafepol_tui.i18n import translator

_ = translator("texts")

NAME_MAX = 100


class ValidationError(Exception):
    """One or more fields are wrong. `errors` maps a field name to the message shown beside it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))

    def first(self) -> str:
        return next(iter(self.errors.values()))


class FormCheck:
    """Check every field and keep every message, so a form shows all its errors at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.values: dict[str, object] = {}

    def check(self, key: str, fn: Callable[[], object]) -> None:
        try:
            self.values[key] = fn()
        except ValidationError as exc:
            self.errors.update(exc.errors)


class RefusedError(Exception):
    """The request is understood but can't be granted (full stop, started meeting, duplicate…)."""


class NotFoundError(Exception):
    """An id or reference that does not exist."""


def has_control_chars(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text)


def fold(text: str) -> str:
    """Case- and accent-insensitive key: « Éloïse  D'Hondt » -> « eloise d'hondt »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("’", "'").split())


def check_printable(text: str, field: str) -> None:
    """Refuse text holding a character none of the shipped fonts can print (it would be « � »)."""
    missing = undrawable(text)
    if missing:
        shown = ", ".join(f"« {ch} » (U+{ord(ch):04X})" for ch in missing[:3])
        raise ValidationError(
            {field: _(
                "Impossible d'imprimer {chars} : écrivez ce texte autrement."
            ).format(chars=shown)}
        )


def clean_name(raw: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not name:
        raise ValidationError({"name": _("Indiquez votre nom.")})
    if has_control_chars(raw.replace("\n", "").replace("\t", "")) or "\n" in raw or "\t" in raw:
        raise ValidationError({"name": _("Le nom contient des caractères non autorisés.")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("Le nom est trop long ({max} caractères au maximum).").format(max=NAME_MAX)})
    check_printable(name, "name")
    return name


def clean_phone(raw: str) -> str:
    """Return the number in E.164 form, or '' when empty. Belgian numbers may omit +32."""
    import phonenumbers  # imported when needed: the first screen must not wait for it

    text = raw.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "BE")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            {"phone": _("Ce numéro de téléphone n'est pas valable (ex. 065 12 34 56 ou +32 470 12 34 56).")}
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            {"phone": _("Ce numéro de téléphone n'est pas valable (ex. 065 12 34 56 ou +32 470 12 34 56).")}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    import phonenumbers

    if not e164:
        return ""
    number = phonenumbers.parse(e164, "BE")
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 32
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def clean_email(raw: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    text = raw.strip()
    if not text:
        return ""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationError(
            {"email": _("Cette adresse e-mail n'est pas valable (ex. prenom.nom@exemple.be).")}
        ) from None


def clean_text(raw: str, field: str, max_len: int, *, required: str | None = None) -> str:
    """Free text as typed (a place, a topic, a description…), in NFC, without its outer spaces.

    A single line also loses its runs of spaces; text over several lines keeps its layout.
    Line breaks and tabs are the only control characters let through. `required` is the
    message for an empty field; without it, empty text is fine.
    """
    text = unicodedata.normalize("NFC", raw)
    text = text.strip() if "\n" in text else " ".join(text.split())
    if required and not text:
        raise ValidationError({field: required})
    if has_control_chars(text.replace("\n", "").replace("\t", "")):
        raise ValidationError({field: _("Le texte contient des caractères non autorisés.")})
    if len(text) > max_len:
        raise ValidationError(
            {field: _("Le texte est trop long ({length} caractères, {max} au maximum).").format(
                length=len(text), max=max_len
            )}
        )
    check_printable(text, field)
    return text


def clean_people(value: int | str, max_party: int) -> int:
    try:
        people = int(str(value).strip())
    except ValueError:
        raise ValidationError({"people": _("Indiquez un nombre de personnes de 1 à {max}.").format(max=max_party)}) from None
    if not 1 <= people <= max_party:
        raise ValidationError({"people": _("Indiquez un nombre de personnes de 1 à {max}.").format(max=max_party)})
    return people


def web_address(raw: str | None) -> str | None:
    """The http(s) address without its outer spaces, or None when it isn't one: another
    scheme, no host, or a space or control character inside. The one check for every URL,
    typed by staff (`clean_url`) or printed as a QR code (`documents.qr`)."""
    text = (raw or "").strip()
    try:
        parsed = urlparse(text)
    except ValueError:  # « http://[::1 »: a bracket left open
        return None
    if (
        parsed.scheme not in ("http", "https")
        or not parsed.netloc
        or any(ch.isspace() for ch in text)
        or has_control_chars(text)
    ):
        return None
    return text


def clean_url(raw: str, field: str = "event_url") -> str | None:
    """A web address as typed, or None when the field is empty."""
    if not raw.strip():
        return None
    url = web_address(raw)
    if url is None:
        raise ValidationError({field: _("L'adresse doit commencer par http:// ou https://.")})
    return url


# The smallest QR code of an event page on paper (quiet zone included: the slip's, the A6
# flyer's and the programme's cards are at least this wide) and the smallest module a phone
# reads on it at arm's length.
QR_SMALLEST_MM = 30.0
QR_MODULE_MIN_MM = 0.5
QR_QUIET_ZONE = 4  # modules each side

# What Facebook adds to a link shared from its app or site: who clicked, from where. The
# event is the same page without them, and its QR code is smaller.
TRACKING_EVERYWHERE = ("fbclid", "gclid", "mc_eid")
TRACKING_FACEBOOK = (
    "__cft__", "__tn__", "__xts__", "mibextid", "ref", "rdid", "share_url", "acontext",
    "aref", "sfnsn", "extid", "hc_ref", "fref", "paipv", "notif_id", "notif_t",
)
FACEBOOK_HOSTS = ("facebook.com", "fb.com", "fb.me", "fb.watch")


def _is_tracking(name: str, facebook: bool) -> bool:
    lowered = name.lower()
    base = lowered.split("[", 1)[0]  # « __cft__[0] »
    if lowered.startswith("utm_") or base in TRACKING_EVERYWHERE:
        return True
    return facebook and base in TRACKING_FACEBOOK


def without_tracking(url: str) -> str:
    """`url` without the tracking parameters Facebook (and campaign tools: utm_*) add."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    facebook = any(host == h or host.endswith("." + h) for h in FACEBOOK_HOSTS)
    if not parsed.query and not (facebook and parsed.fragment):
        return url
    pairs = parse_qsl(parsed.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k, facebook)]
    query = parsed.query if len(kept) == len(pairs) else urlencode(kept, doseq=True)
    # Facebook's « #_=_ » and tracking fragments say nothing of the page.
    fragment = "" if facebook and parsed.fragment in ("_=_", "") else parsed.fragment
    return urlunparse(parsed._replace(query=query, fragment=fragment))


def qr_modules(url: str) -> int | None:
    """How many modules wide the QR code of `url` is (error correction M, quiet zone
    excluded), or None when no QR code can hold it."""
    import qrcode  # only when a URL is checked
    import qrcode.constants

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_QUIET_ZONE)
    code.add_data(url)
    try:
        code.make(fit=True)
    except Exception:  # noqa: BLE001 - qrcode raises DataOverflowError past version 40
        return None
    return 17 + 4 * int(code.version or 1)


def qr_module_mm(url: str, side_mm: float = QR_SMALLEST_MM) -> float:
    """The module of `url`'s QR code printed `side_mm` wide (quiet zone included); 0 when it
    can't be made."""
    modules = qr_modules(url)
    return side_mm / (modules + 2 * QR_QUIET_ZONE) if modules else 0.0


def max_event_url_modules() -> int:
    """The widest QR code (in modules) whose modules stay ≥ 0.5 mm on the smallest paper."""
    return int(QR_SMALLEST_MM / QR_MODULE_MIN_MM) - 2 * QR_QUIET_ZONE


def clean_event_url(raw: str, field: str = "event_url") -> str | None:
    """The meeting's event page as printed in its QR code: a web address without tracking
    parameters, short enough that the code's modules stay at least 0.5 mm wide on the
    smallest printed code; None when the field is empty. Refused otherwise (the zone's page
    never replaces it in silence)."""
    url = clean_url(raw, field)
    if url is None:
        return None
    url = without_tracking(url)
    modules = qr_modules(url)
    if modules is None or modules > max_event_url_modules():
        longest = _longest_fitting()
        raise ValidationError({field: _(
            "Cette adresse est trop longue pour un code QR lisible sur papier ({length} "
            "caractères, {max} au maximum) : copiez l'adresse courte de l'événement "
            "(facebook.com/events/…)."
        ).format(length=len(url), max=longest)})
    return url


def _longest_fitting() -> int:
    """The longest ASCII URL whose QR code fits (bytes mode, error correction M)."""
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.util import BIT_LIMIT_TABLE

    version = (max_event_url_modules() - 17) // 4
    bits = BIT_LIMIT_TABLE[ERROR_CORRECT_M][version]
    count_bits = 8 if version < 10 else 16  # the byte mode's length field
    return (bits - 4 - count_bits) // 8


@dataclass(frozen=True)
class SignupForm:
    """What the citizen typed, as typed. `clean()` returns a checked copy or raises."""

    name: str
    people: int | str = 1
    phone: str = ""
    email: str = ""
    topic: str = ""
    consent: bool = False
    # The language the citizen used (their notices are written in it), and whether they want
    # an e-mail the day before.
    language: str = ""
    wants_reminder: bool = False

    @property
    def reachable(self) -> bool:
        """A contact was given: the citizen can be told of a change or a freed seat."""
        return bool(self.phone.strip() or self.email.strip())

    def clean(self, *, max_party: int, topic_max: int) -> SignupForm:
        fields = FormCheck()
        fields.values["language"] = self.language if self.language in ("fr", "nl", "de", "en") else ""
        fields.values["wants_reminder"] = bool(self.wants_reminder)
        fields.check("name", lambda: clean_name(self.name))
        fields.check("people", lambda: clean_people(self.people, max_party))
        fields.check("phone", lambda: clean_phone(self.phone))
        fields.check("email", lambda: clean_email(self.email))
        fields.check("topic", lambda: clean_text(self.topic, "topic", topic_max))
        if self.wants_reminder and not self.email.strip():
            fields.errors.setdefault(
                "email", _("Pour recevoir un rappel la veille, indiquez une adresse e-mail.")
            )
        if not self.consent:
            fields.errors["consent"] = _(
                "Cochez la case pour accepter que vos données soient enregistrées."
            )
        if fields.errors:
            raise ValidationError(fields.errors)
        return SignupForm(consent=True, **fields.values)  # type: ignore[arg-type]


def titled_name(grade: str, name: str) -> str:
    """The officer's name with their grade in front (« Inspectrice Sophie Lambert »), unless the
    name already starts with a form of it: zones often write « Inspectrice Sophie Lambert »
    with grade « inspecteur », and the kiosk must not say « inspecteur Inspectrice … »."""
    grade, name = " ".join(grade.split()), " ".join(name.split())
    first = fold(name.split(" ", 1)[0]) if name else ""
    if not grade or (first and first[:6] == fold(grade)[:6]):
        return name
    return f"{grade} {name}".strip()
