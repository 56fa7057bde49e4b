"""The string catalogue is complete in both languages, and domain code never imports streamlit."""

from __future__ import annotations

import ast
import re
import string
import subprocess
import sys

import pytest

from core.i18n import LANGUAGES, STRINGS, t
from tests.conftest import ROOT

DOMAIN_PACKAGES = ["core", "store", "content", "checklists", "drills", "readiness", "org", "admin"]


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_ui_string_has_both_languages_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == set(LANGUAGES), f"{key} lacks a language"
    assert all(entry[lang].strip() for lang in LANGUAGES), f"{key} has an empty text"
    fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in LANGUAGES]
    assert fields[0] == fields[1], f"{key}: placeholders differ between zh and en"


def used_keys() -> set[str]:
    pattern = re.compile(r"""\bt\(\s*f?["']([a-z_]+\.[a-z_.]+)["']""")
    keys = set()
    for path in [ROOT / "app.py", *ROOT.glob("app_pages/*.py"), *ROOT.glob("ui/*.py")]:
        keys |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_string_key_the_pages_use_is_in_the_catalogue():
    missing = sorted(k for k in used_keys() if k not in STRINGS)
    assert not missing, f"keys used but not in core/i18n/: {missing}"


def test_a_message_is_filled_in_and_translates_status_codes():
    assert t("error.invalid_transition", "en", status="done", action="done") == \
        "An item that is “Done” cannot be given “Done”."
    assert "已完成" in t("error.stale_write", "zh", who="李娜", when="2026-11-02 10:00", status="done")


@pytest.mark.parametrize("package", DOMAIN_PACKAGES)
def test_domain_code_never_imports_streamlit(package):
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "streamlit" for n in names), f"{path} imports streamlit"


def test_importing_every_domain_module_loads_no_streamlit():
    modules = [p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
               for pkg in DOMAIN_PACKAGES for p in (ROOT / pkg).glob("*.py")]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + \
        "print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return {n.split(".")[0] for n in names}


def test_the_command_line_imports_neither_streamlit_nor_the_pages():
    assert not imported_modules(ROOT / "manage.py") & {"streamlit", "ui", "app_pages"}
