"""What one user types is shown to others as plain text: no Markdown, no HTML, no images, no links."""

from __future__ import annotations

import pytest

from tests.demo_fixtures import sign_in
from ui.state import escape_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "![x](http://example.invalid/t.png)",
    "[a](javascript:alert(1))",
    "长" * 400 + "x" * 400,  # a long unbroken string
]


def rendered_markdown(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.error]
    parts += [e.value for e in at.toast] + [e.value for e in at.title] + [e.value for e in at.info]
    return "\n".join(str(p) for p in parts)


def submit_form(at, action: str, text: str):
    button = next(b for b in at.button if b.key and b.key.startswith(f"{action}_"))
    item_id = button.key.removeprefix(f"{action}_")
    button.click().run()
    at.text_input(key=f"text_{action}_{item_id}").input(text)
    next(b for b in at.button if b.label == "确认").click().run()
    return item_id


@pytest.mark.parametrize("text", HOSTILE, ids=["script", "image", "js-link", "long"])
@pytest.mark.parametrize(("action", "label"), [("note", "备注："), ("na", "不适用原因：")])
def test_a_note_or_reason_is_shown_exactly_as_typed_and_never_as_markdown(app, text, action, label):
    sign_in(app, "lead")
    submit_form(app, action, text)
    assert not app.exception
    shown_plain = [e.value for e in app.text]
    assert f"{label}{text}" in shown_plain
    assert text not in rendered_markdown(app)


@pytest.mark.parametrize("text", HOSTILE[:3])
def test_escaped_text_keeps_no_markdown_or_html_syntax_alive(text):
    escaped = escape_markdown(text)
    for syntax in ("<script>", "![", "](", "[a]"):
        assert syntax not in escaped
    assert escaped.replace("\\", "") == text.replace("\\", "")
