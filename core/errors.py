"""Domain errors: a message key from the string catalogue plus its parameters."""

from __future__ import annotations

import re


class DomainError(Exception):
    """A refused use-case; `code` is a key in the string catalogue (core/i18n), `params` fill it in."""

    code = "error.generic"

    def __init__(self, code: str | None = None, /, **params: object) -> None:
        self.code = code or self.code
        self.params = params
        super().__init__(f"{self.code} {params}")


class NotFound(DomainError):
    code = "error.not_found"


class InvalidInput(DomainError):
    code = "error.invalid_input"


class InvalidTransition(DomainError):
    code = "error.invalid_transition"


class StaleWrite(DomainError):
    code = "error.stale_write"


class AuthError(DomainError):
    code = "error.bad_login"


class Forbidden(DomainError):
    """The user holds no grant that allows this action on this unit (org.authz), or is deactivated."""

    code = "error.forbidden"


class ContentError(Exception):
    """A seed file with a mistake: names the file, the item and the problem.

    Our own problem texts are written "English / 中文" (pydantic's own messages are English);
    `problem_in(lang)` gives the half for one language.
    """

    def __init__(self, file: str, where: str, problem: str) -> None:
        self.file, self.where, self.problem = file, where, problem
        super().__init__(f"{file}: {where}: {problem}")

    def problem_in(self, lang: str) -> str:
        """The problem in one language: the matching half of an "English / 中文" text, else the whole."""
        return problem_in(self.problem, lang)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def problem_in(text: str, lang: str) -> str:
    """Pick one language out of an "English / 中文[: detail]" text; a text in one language comes back whole."""
    head, sep, detail = text.partition(": ")
    en, slash, zh = head.partition(" / ")
    if not slash or _CJK.search(en) or not _CJK.search(zh):
        return text
    return (zh if lang == "zh" else en) + (sep + detail if sep else "")
