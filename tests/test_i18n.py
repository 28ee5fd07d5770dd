"""Every user-facing string is marked for translation and every catalog has every message.

The « unmarked string » check reads the code (AST): a French text shown to a person must go
through `_()` (or `_.plural`, or `N_` for constants), never a bare literal or an f-string.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from cafepol_tui.i18n import LANGUAGES, language, set_language, translator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import i18n as tools  # noqa: E402

LETTERS = re.compile(r"[A-Za-zÀ-ÿ]")
# Calls whose string arguments are not shown to a person.
TECHNICAL_CALLS = {
    "_", "N_", "plural", "query", "query_one", "query_children", "query_ancestor", "set_class",
    "add_class", "remove_class", "has_class", "toggle_class", "getLogger", "debug", "info",
    "warning", "error", "exception", "critical", "log", "on", "work", "get_widget_by_id",
    "add_column", "add_argument", "add_parser", "add_subparsers", "getattr", "setattr", "hasattr",
    "environ", "getenv", "get", "startswith", "endswith", "split", "join", "replace", "strip",
    "format", "strftime", "format_date", "format_time", "format_datetime", "compile", "match",
    "search", "sub", "fullmatch", "isinstance", "encode", "decode", "open", "Path", "run",
    "Popen", "which", "execute", "execute_sql", "SQL", "fn", "Case", "Meta", "Style", "Segment",
    "Color", "parse", "set_font", "add_font", "set_fallback_fonts", "set_draw_color",
    "set_fill_color", "set_text_color", "image", "ValueError", "TypeError", "KeyError",
    "RuntimeError", "AssertionError", "NotImplementedError", "post_message", "call_later",
    "set_interval", "set_timer", "run_worker", "switch_mode", "add_mode", "remove_mode",
    "push_screen", "notify_style", "Binding", "stylize", "rule", "dataclass", "field",
}
TECHNICAL_KWARGS = {
    "id", "classes", "name", "variant", "key", "group", "action", "restrict", "type", "markup",
    "style", "help", "description", "metavar", "dest", "choices", "prog", "encoding", "newline",
    "mode", "sep", "end", "file", "errors", "align", "family", "fname", "tooltip_id", "key_display",
    "column", "row_key", "column_key", "format", "lang", "locale", "overflow", "justify",
}
CLASS_CONSTANTS = {"DEFAULT_CSS", "CSS", "CSS_PATH", "__all__", "COMPONENT_CLASSES", "SCOPED_CSS"}
# Tables that are themselves in every language (a grade's feminine in fr, nl and de).
CLASS_CONSTANTS |= {"FEMININE_GRADES"}


def _func_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _is_docstring(node: ast.AST, parent: ast.AST | None) -> bool:
    return isinstance(parent, ast.Expr) and isinstance(node, ast.Constant)


def _skipped(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """True when the literal sits somewhere that is not shown to a person."""
    child, parent = node, parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Call):
            if _func_name(parent) in TECHNICAL_CALLS and child is not parent.func:
                return True
        if isinstance(parent, ast.keyword) and parent.arg in TECHNICAL_KWARGS:
            return True
        if isinstance(parent, ast.Dict) and child in parent.keys:
            return True
        if isinstance(parent, ast.Subscript) and child is parent.slice:
            return True
        if isinstance(parent, ast.Compare):
            return True  # comparisons with codes: status == "confirmed"
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if names & CLASS_CONSTANTS:
                return True
        if isinstance(parent, (ast.FunctionDef, ast.ClassDef, ast.Module, ast.AsyncFunctionDef)):
            return False
        child, parent = parent, parents.get(parent)
    return False


def unmarked_strings(path: Path, *, only_user_contexts: bool) -> list[str]:
    """Literal texts in `path` that look user-facing but don't go through the translator.

    `only_user_contexts` (domain and CLI code, full of technical strings): look only at what
    is raised, printed, or given to a ValidationError.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = _parents(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if isinstance(parents.get(node), ast.JoinedStr):
                continue
            text = node.value
        else:
            continue
        if not LETTERS.search(text) or _is_docstring(node, parents.get(node)):
            continue
        if re.fullmatch(r"[a-z0-9_.#\-]+", text.strip()):
            continue  # snake_case names, actions, CSS selectors: never shown
        words = len(re.findall(r"[A-Za-zÀ-ÿ]{2,}", text))
        if words < 2 and not re.match(r"^[A-ZÀ-Ý][a-zà-ÿ]+$", text.strip()):
            continue  # identifiers, codes, selectors; a capitalised word may be a label
        if _skipped(node, parents):
            continue
        if only_user_contexts and not _in_user_context(node, parents):
            continue
        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:60]!r}")
    return found


USER_CALLS = {"print", "CliError", "ValidationError", "RefusedError", "NotFoundError", "write",
              "PrintOutcome", "SettingsError", "BackupError", "ArgumentTypeError"}


def _in_user_context(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.Raise):
            return True
        if isinstance(parent, ast.Call) and _func_name(parent) in USER_CALLS:
            return True
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            return False
        parent = parents.get(parent)
    return False


@pytest.mark.parametrize("domain", [*tools.DOMAINS, None])
def test_every_user_facing_string_is_marked(domain):
    """`None`: the modules with no translator of their own, where an unmarked text hides best."""
    if domain is None:
        files = [f for f in sorted(tools.PACKAGE.rglob("*.py")) if not tools.module_domains(f)]
    else:
        files = tools.domain_sources(domain)
    found = []
    for file in files:
        technical = "ui" not in file.parts and "documents" not in file.parts
        found += unmarked_strings(file, only_user_contexts=technical)
    assert not found, "mark these for translation:\n" + "\n".join(found)


@pytest.mark.parametrize("domain", list(tools.DOMAINS))
def test_every_catalog_has_every_message(domain):
    problems = tools.problems([domain])
    assert not problems, "\n".join(problems[:40])


def test_each_module_writes_to_one_catalog():
    """One `_ = translator(…)` per module, so each catalog keeps one source language."""
    several = {
        str(f.relative_to(tools.PACKAGE)): domains
        for f in tools.PACKAGE.rglob("*.py")
        if len(domains := tools.module_domains(f)) > 1
    }
    assert not several


def test_a_source_string_in_the_other_language_is_flagged():
    assert tools.wrong_language("messages", "aucune rencontre avec le numéro {id}")
    assert tools.wrong_language("texts", "no meeting with id {id}")
    assert tools.wrong_language("texts", "the meeting is not found")
    assert not tools.wrong_language("messages", "no meeting with id {id}")
    assert not tools.wrong_language("texts", "aucune rencontre avec le numéro {id}")
    assert not tools.wrong_language("messages", "CaféPol kiosk and tools.")


def test_translator_follows_the_language():
    _ = translator("kiosk")
    assert set(LANGUAGES) == {"fr", "nl", "de", "en"}
    set_language("fr")
    assert _("texte absent du catalogue") == "texte absent du catalogue"
    with language("nl"):
        assert _("texte absent du catalogue") == "texte absent du catalogue"  # falls back
    with pytest.raises(ValueError):
        set_language("xx")
