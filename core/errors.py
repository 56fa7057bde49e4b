"""Domain errors: a message key from the string catalogue plus its parameters."""

from __future__ import annotations


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


class ContentError(Exception):
    """A seed file with a mistake: names the file, the item and the problem."""

    def __init__(self, file: str, where: str, problem: str) -> None:
        self.file, self.where, self.problem = file, where, problem
        super().__init__(f"{file}: {where}: {problem}")
