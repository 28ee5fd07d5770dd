"""Keep the translation catalogs in step with the code (Babel).

    python tools/i18n.py update [DOMAIN…]   # extract the marked strings, merge into the .po files
    python tools/i18n.py compile [DOMAIN…]  # .po -> .mo (shipped in the package)
    python tools/i18n.py check [DOMAIN…]    # exit 1: a message lacks a translation or a .mo is stale

Each catalog has one source language (`cafepol_tui.i18n.SOURCE_LANGUAGES`) and is translated into
the three others; a module's `_ = translator("…")` line says which catalog its strings go to.
`check` also flags a source string that looks written in the other language.

Translate by editing cafepol_tui/locale/<lang>/LC_MESSAGES/<domain>.po, then `compile`.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cafepol_tui"
LOCALE = PACKAGE / "locale"
TARGETS = ("nl", "de", "en")
KEYWORDS = {"_": None, "N_": None, "plural": (1, 2)}
sys.path.insert(0, str(ROOT))
from cafepol_tui.i18n import SOURCE_LANGUAGES  # noqa: E402

DOMAINS = tuple(SOURCE_LANGUAGES)
# A module's catalog is the one its `_ = translator("…")` line names.
_TRANSLATOR_LINE = re.compile(r'^_ = translator\("(\w+)"\)', re.M)


def targets(domain: str) -> tuple[str, ...]:
    """The languages a catalog is translated into: all four but its source language."""
    return tuple(lang for lang in ("fr", *TARGETS) if lang != SOURCE_LANGUAGES[domain])


def module_domains(path: Path) -> list[str]:
    return _TRANSLATOR_LINE.findall(path.read_text(encoding="utf-8"))


def domain_sources(domain: str) -> list[Path]:
    return [
        file
        for file in sorted(PACKAGE.rglob("*.py"))
        if domain in module_domains(file)
    ]


# Words that give a source string away as written in the other language (a check, not a proof).
_ENGLISH = re.compile(r"\b(the|is|not|with|cannot|can't|must|please|unknown|missing|found)\b", re.I)
_FRENCH = re.compile(r"[éèêàçùâîôœ«»]|\b(le|la|les|des|une|est|pas|aucun|aucune|avec)\b", re.I)


def wrong_language(domain: str, text: str) -> bool:
    """True when a source string looks written in the other language than its catalog's."""
    text = text.replace("CaféPol", "")  # the concept's name is the same in every language
    text = re.sub(r"\{[^{}]*\}", "", text)  # placeholders are code: « {missing} » is no English
    return bool((_ENGLISH if SOURCE_LANGUAGES[domain] == "fr" else _FRENCH).search(text))


def extract(domain: str) -> Catalog:
    """Every marked message of the domain, with where it is used."""
    template = Catalog(domain=domain, project="cafepol", locale="fr")
    for file in domain_sources(domain):
        for lineno, message, comments, _context in extract_from_file(
            "python", str(file), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            where = (str(file.relative_to(ROOT)), lineno)
            template.add(message, locations=[where], auto_comments=comments)
    return template


def po_path(lang: str, domain: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def load_po(lang: str, domain: str) -> Catalog:
    path = po_path(lang, domain)
    if not path.exists():
        return Catalog(domain=domain, locale=lang)
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=domain)


def update(domains: list[str]) -> None:
    for domain in domains:
        for lang in targets(domain):
            template = extract(domain)  # fresh: Catalog.update shares the template's messages
            catalog = load_po(lang, domain)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            path = po_path(lang, domain)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                write_po(handle, catalog, width=100, omit_header=False, sort_output=False)
            print(f"{path.relative_to(ROOT)}: {len(catalog)} messages")


def compile_all(domains: list[str]) -> None:
    for domain in domains:
        for lang in targets(domain):
            catalog = load_po(lang, domain)
            with po_path(lang, domain).with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog)


def problems(domains: list[str] | None = None) -> list[str]:
    """Messages without a translation, and .mo files that don't match their .po."""
    found: list[str] = []
    for domain in domains or list(DOMAINS):
        wanted = {m.id for m in extract(domain) if m.id}
        for message_id in sorted(wanted, key=str):
            first = message_id[0] if isinstance(message_id, tuple) else message_id
            if wrong_language(domain, first):
                found.append(f"{domain}: source string not in {SOURCE_LANGUAGES[domain]}: {first!r}")
        for lang in targets(domain):
            catalog = load_po(lang, domain)
            for message_id in sorted(wanted, key=str):
                message = catalog.get(message_id)
                text = message.string if message else None
                missing = not text or (isinstance(text, tuple) and not all(text))
                if missing or (message is not None and message.fuzzy):
                    found.append(f"{lang}/{domain}: no translation for {message_id!r}")
            mo = po_path(lang, domain).with_suffix(".mo")
            if not mo.exists():
                found.append(f"{lang}/{domain}: {mo.name} missing (run compile)")
                continue
            with mo.open("rb") as handle:
                compiled = read_mo(handle)
            expected = io.BytesIO()
            write_mo(expected, catalog)
            expected.seek(0)
            if {str(m.id): m.string for m in read_mo(expected) if m.id} != {
                str(m.id): m.string for m in compiled if m.id
            }:
                found.append(f"{lang}/{domain}: {mo.name} is stale (run compile)")
    return found


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    domains = sys.argv[2:] or list(DOMAINS)
    if command == "update":
        update(domains)
    elif command == "compile":
        compile_all(domains)
    elif command == "check":
        issues = problems(domains)
        print("\n".join(issues) or "catalogs complete")
        return 1 if issues else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
