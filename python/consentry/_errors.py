"""The one exception class of consentry (kept in pure Python so that it pickles with its code)."""

from __future__ import annotations

__all__ = ["ConsentryError"]


class ConsentryError(Exception):
    """Raised by every consentry call that fails.

    ``code`` is the stable code name every face shares (the C ``consentry_result`` name, the
    npm ``Error.code``, the CLI's ``code``), e.g. ``"signature_invalid"``; ``numeric_code`` its
    number. The message names the field, member or file at fault and never holds a secret or a
    personal value.
    """

    def __init__(self, message: str, code: str, numeric_code: int) -> None:
        super().__init__(message, code, numeric_code)
        self.message = message
        self.code = code
        self.numeric_code = numeric_code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
