"""A generic walker over the app: discovers the pages and the controls on them and touches each.

It knows no page by name. For a signed-in account it opens every page in a fresh
session, lists every control (selectboxes, radios, segmented controls / pills,
date inputs, toggles, checkboxes, multiselects, text inputs, file uploaders and
buttons) and then, each from a fresh session, tries it: the first few options of a
choice, a date moved back, a toggle flipped, a small PNG uploaded, a button clicked. Controls that only appear after an
action (a reason form under an item, say) are explored one level further. Many
controls of one kind in a list (a "Done" button per item) are a *family*; a few of
each family are tried.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from PIL import Image
from streamlit.testing.v1 import AppTest

from core import clock

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("selectbox", "radio", "button_group", "date_input", "toggle", "checkbox", "multiselect", "text_input",
         "text_area", "file_uploader", "button")
NASTY_TEXT = "<script>alert(1)</script> ![x](http://example.invalid/t.png) [a](javascript:alert(1)) " + "长" * 300


def _small_png() -> bytes:
    """A small photo, as a phone would upload it (the app judges files by their content)."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(out, "PNG")
    return out.getvalue()


SMALL_PNG = _small_png()
OPTIONS_TRIED = 3
PER_FAMILY = 2


def pages() -> list[str]:
    """Every page file of the app (the sign-in page is where a fresh session starts)."""
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app_pages").glob("*.py")
                  if p.stem not in ("__init__", "login"))


@dataclass(frozen=True)
class Control:
    kind: str
    key: str | None  # the widget's user key, else None
    index: int  # without a key: position among the keyless controls of its kind with this label
    label: str

    @property
    def family(self) -> str:
        """Controls of one kind differing only in their ids (one per list row: an item, its occurrence
        "2027-W27" or "E12", an event) form a family."""
        if self.kind == "expander":  # the sections of a list ("sec_<filter>_<section>") are one family
            return f"expander:{'_'.join(self.key.split('_')[:2])}"
        name = re.sub(r"\d+", "#", self.key) if self.key else self.label
        return f"{self.kind}:{name}"

    def find(self, at: AppTest):
        if self.kind == "expander":
            if not any(expander_key(e) == self.key for e in at.expander):
                raise LookupError(f"expander with key {self.key!r} is gone")
            return at
        if self.key is not None:
            found = [w for w in getattr(at, self.kind) if w.key == self.key]
            if not found:
                raise LookupError(f"{self.kind} with key {self.key!r} is gone")
            return found[0]
        same = [w for w in getattr(at, self.kind) if w.key is None and str(getattr(w, "label", "")) == self.label]
        if self.index >= len(same):
            raise LookupError(f"{self.kind} {self.label!r} #{self.index} is gone")
        return same[self.index]


@dataclass(frozen=True)
class Step:
    control: Control
    variant: int  # which option / which kind of touch
    description: str

    def apply(self, at: AppTest) -> None:
        if self.control.kind == "expander":  # a section drawn only while open: open it, as a click does
            self.control.find(at).session_state[self.control.key] = True
            return
        _touch(self.control.find(at), self.control.kind, self.variant)


@dataclass
class Report:
    tried: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def controls_of(at: AppTest) -> list[Control]:
    found = []
    for kind in KINDS:
        keyless: dict[str, int] = {}
        for w in getattr(at, kind):
            label = str(getattr(w, "label", ""))
            nth = 0
            if w.key is None:
                nth = keyless.get(label, 0)
                keyless[label] = nth + 1
            if not getattr(w, "disabled", False):
                found.append(Control(kind, w.key, nth, label))
    for e in at.expander:  # an expander that keeps its state (lazy content) is a control too
        key = expander_key(e)
        if key is not None and not e.proto.expanded:
            found.append(Control("expander", key, 0, e.label))
    return found


def expander_key(e) -> str | None:
    """The user key of an expander that keeps its open state (its element id ends with the key)."""
    element_id = getattr(e.proto, "id", "")
    match = re.fullmatch(r"\$\$ID-[0-9a-f]+-(.+)", element_id or "")
    return match.group(1) if match else None


def variants(at: AppTest, control: Control) -> list[tuple[int, str]]:
    """The touches worth trying on a control: first few options, a date moved back, a click …"""
    if control.kind == "expander":
        return [(0, "open")]
    w = control.find(at)
    kind = control.kind
    if kind in ("selectbox", "radio", "button_group", "multiselect"):
        current = _current_index(w, kind)
        picks = [i for i in range(len(w.options)) if i != current][:OPTIONS_TRIED]
        return [(i, f"choose option {i} ({w.options[i]!r})") for i in picks]
    if kind == "date_input":
        return [(7, "move back a week"), (10_000, "move back to the earliest allowed day")]
    if kind in ("toggle", "checkbox"):
        return [(0, "flip")]
    if kind in ("text_input", "text_area"):
        return [(0, "type hostile text")]
    if kind == "file_uploader":
        return [(0, "upload a small PNG")]
    return [(0, "click")]


def _current_index(w, kind: str) -> int | None:
    try:
        if kind == "selectbox" or kind == "radio":
            return w.index
        if kind == "button_group":
            return (list(w.indices) or [None])[0]
    except (KeyError, ValueError):
        return None
    return None


def _touch(w, kind: str, variant: int) -> None:
    if kind == "selectbox":
        w.select_index(variant)
    elif kind == "multiselect":
        w.set_value([*w.value, w.options[variant]] if hasattr(w, "values") else [w.options[variant]])
    elif kind in ("radio", "button_group"):
        _send_label(w, kind, w.options[variant])
    elif kind == "date_input":
        value = w.value if isinstance(w.value, date) else clock.today()
        earliest = w.min if isinstance(w.min, date) else value - timedelta(days=365)
        w.set_value(max(earliest, value - timedelta(days=variant)))
    elif kind in ("toggle", "checkbox"):
        w.set_value(not w.value)
    elif kind in ("text_input", "text_area"):
        w.input(NASTY_TEXT[: w.max_chars] if getattr(w, "max_chars", 0) else NASTY_TEXT)
    elif kind == "file_uploader":
        w.upload("walker.png", SMALL_PNG, "image/png")
    else:
        w.click()


def _send_label(w, kind: str, label: str) -> None:
    """Send an option's label as the browser does (radios and button groups carry labels, not values)."""
    base = type(w)
    if kind == "radio":
        index = w.options.index(label)
        patched = type("Picked", (base,), {"index": property(lambda self: index)})
    else:
        patched = type("Picked", (base,), {"formatted_values": property(lambda self: [label])})
    w.__class__ = patched
    w._value = label  # anything but the initial marker: the widget now counts as touched


def walk(fresh: Callable[[str], AppTest], page: str, *, depth: int = 2) -> Report:
    """Try every control family on `page`, each from a fresh session; explore controls an action reveals."""
    report = Report()
    seen: set[str] = set()
    frontier: list[tuple[list[Step], AppTest | None]] = [([], None)]
    for _ in range(depth):
        next_frontier: list[tuple[list[Step], AppTest | None]] = []
        for path, at in frontier:
            at = at or _replay(fresh, page, path, report)
            if at is None:
                continue
            families: dict[str, list[Control]] = {}
            for c in controls_of(at):
                if c.family not in seen:
                    families.setdefault(c.family, []).append(c)
            seen |= families.keys()
            for members in families.values():
                for control in members[:PER_FAMILY]:
                    for variant, text in variants(at, control):
                        step = Step(control, variant, f"{control.kind} {control.key or control.label!r}: {text}")
                        after = _replay(fresh, page, [*path, step], report)
                        if after is not None and any(c.family not in seen for c in controls_of(after)):
                            next_frontier.append(([*path, step], after))
        frontier = next_frontier
    return report


def _replay(fresh: Callable[[str], AppTest], page: str, path: list[Step], report: Report) -> AppTest | None:
    label = " → ".join([page, *(s.description for s in path)])
    try:
        at = fresh(page)
        for step in path:
            step.apply(at)
            at.run()
            if at.exception:
                report.failures.append(f"{label}: {_describe(at.exception[0])}")
                return None
    except LookupError:
        return None  # the control vanished (a page that changed its own state); nothing to touch
    except Exception as exc:  # any error a user could trigger is the finding
        report.failures.append(f"{label}: {type(exc).__name__}: {exc}")
        return None
    if path:
        report.tried.append(label)
    return at


def _describe(exc) -> str:
    """The exception's message and the last lines of its stack (the shown message may be redacted)."""
    stack = [line.strip() for line in getattr(exc, "stack_trace", []) if line.strip()]
    return " | ".join([exc.message, *stack[-2:]])
