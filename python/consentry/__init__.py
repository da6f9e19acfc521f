"""consentry for Python: verify consent artefacts, decide requests, and pseudonymise values,
records, Arrow columns and Arrow record batches (pyarrow, Polars, DuckDB, Spark).

Everything runs in the native core (``consentry._native``, Rust); this package adds the key
reference (``KeyRef``) and the Spark entry point (``consentry.spark``). Errors are
``ConsentryError`` with a stable ``.code``.

    >>> import consentry
    >>> p = consentry.Pseudonymiser(policy, consentry.MasterKey.from_file("master.key"))
    >>> p.value("aadhaar", "2345 6789 0124")
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Union

from . import _native
from ._errors import ConsentryError
from ._native import (
    ArrowArray,
    ArrowStream,
    MasterKey,
    Pseudonymiser,
    SigningKey,
    TrustStore,
    Verifier,
    codes,
    inspect,
)

__version__: str = _native.__version__

__all__ = [
    "ArrowArray",
    "ArrowStream",
    "ConsentryError",
    "KeyRef",
    "MasterKey",
    "Pseudonymiser",
    "SigningKey",
    "TrustStore",
    "Verifier",
    "codes",
    "inspect",
    "issue",
    "__version__",
]


@dataclass(frozen=True)
class KeyRef:
    """Where a master key is, not the key: a file path or an environment variable name.

    A ``KeyRef`` pickles as those few characters, so it can go into a Spark closure, a
    multiprocessing task or a job description; ``resolve()`` reads the key in the process that
    calls it (a Spark executor's Python worker), and ``Pseudonymiser(policy, key_ref)`` calls
    it. The key's bytes never travel.
    """

    kind: str
    location: str

    def __post_init__(self) -> None:
        if self.kind not in ("file", "env") or not isinstance(self.location, str) or not self.location:
            raise ConsentryError(
                "a key reference is `KeyRef.file(path)` or `KeyRef.env(name)`",
                "request_invalid",
                2000,
            )

    @staticmethod
    def file(path: Union[str, "os.PathLike[str]"]) -> "KeyRef":
        """A key file (64 hex digits, as ``consentry key master`` writes it), read where the
        reference is resolved: give a path every worker can read (a mounted secret)."""
        return KeyRef("file", os.fspath(path))

    @staticmethod
    def env(name: str) -> "KeyRef":
        """An environment variable holding 64 hex digits, read where the reference is
        resolved (a Spark executor's environment, e.g. ``spark.executorEnv.*`` set by the
        cluster manager from a secret, never a key in Spark conf)."""
        return KeyRef("env", name)

    def resolve(self) -> MasterKey:
        """The key, read now, in this process."""
        if self.kind == "file":
            return MasterKey.from_file(self.location)
        return MasterKey.from_env(self.location)

    def __repr__(self) -> str:
        return f"KeyRef.{self.kind}({self.location!r})"


def issue(claims: Union[dict, str], key: SigningKey, now: Optional[int] = None) -> dict:
    """Issues an artefact from ``claims`` with ``key``: ``{"artefact", "cti"}`` (base64url).
    ``iat`` defaults to ``now`` (default: the clock), ``cti`` to 16 random bytes."""
    return key.issue(claims, now)


