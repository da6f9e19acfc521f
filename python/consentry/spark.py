"""Pseudonymisation at scale on Spark: ``pseudonymise(df, policy, key_ref)``.

One native call per Arrow batch (``DataFrame.mapInArrow``): Spark hands each Python worker its
partition as Arrow record batches and ``Pseudonymiser.batch`` transforms each whole batch, with
the same output as ``consentry pseudonymise`` on the same table as CSV. Pseudonyms depend on the
key, the policy's domain and the value only (and a ``shift`` on its subject in the same row), so
they do not depend on partitioning or batch size.

Keys: the closure Spark pickles holds the policy text and a ``KeyRef`` (a path or a variable
name), never the key; each worker process resolves the reference once and keeps its
``Pseudonymiser``. Never put a key in Spark conf: Spark redacts only conf names that look like
secrets, and conf is shown in the UI, the event log and ``spark.conf.getAll``.

pyspark is imported only when ``pseudonymise`` is called: ``consentry`` works without it
(``pip install consentry[spark]`` brings it).
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any, Dict, Iterator, Tuple, Union

from . import KeyRef, Pseudonymiser, _native
from ._errors import ConsentryError

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    from pyspark.sql import DataFrame

__all__ = ["pseudonymise"]

_ON_ERROR = ("fail", "skip-row", "null-field")


def _policy_text(policy: Union[dict, str]) -> str:
    if isinstance(policy, str):
        return policy
    try:
        return json.dumps(policy)
    except (TypeError, ValueError):
        raise ConsentryError("`policy` must be a dict or json text", "request_invalid", 2000) from None


# One pseudonymiser per (policy, key reference) in each worker process, built on first use: the
# key is read once per Python worker, not once per batch. No thread is started, here or in the
# native module (Spark forks its workers from a daemon).
_CACHE: Dict[Tuple[str, KeyRef], Pseudonymiser] = {}
_CACHE_LOCK = threading.Lock()


def _pseudonymiser(policy_text: str, key_ref: KeyRef) -> Pseudonymiser:
    k = (policy_text, key_ref)
    with _CACHE_LOCK:
        p = _CACHE.get(k)
        if p is None:
            p = Pseudonymiser(policy_text, key_ref)
            _CACHE[k] = p
        return p


class BatchMapper:
    """The function Spark runs on each partition (``mapInArrow``): what gets pickled is this
    object's four fields, and ``key_ref`` is a reference, not a key."""

    __slots__ = ("policy_text", "key_ref", "on_error", "reverse")

    def __init__(self, policy_text: str, key_ref: KeyRef, on_error: str, reverse: bool) -> None:
        self.policy_text = policy_text
        self.key_ref = key_ref
        self.on_error = on_error
        self.reverse = reverse

    def __getstate__(self) -> Dict[str, Any]:
        return {s: getattr(self, s) for s in self.__slots__}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        for s in self.__slots__:
            setattr(self, s, state[s])

    def __call__(self, batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        p = _pseudonymiser(self.policy_text, self.key_ref)
        run = p.reverse_batch if self.reverse else p.batch
        for b in batches:
            yield run(b, self.on_error)


def pseudonymise(
    df: "DataFrame",
    policy: Union[dict, str],
    key_ref: KeyRef,
    on_error: str = "fail",
    reverse: bool = False,
) -> "DataFrame":
    """``df`` through ``policy`` (a dict or JSON text; columns named as CSV headers), or back
    with ``reverse=True`` (``token`` and ``ff1`` columns restored), on Spark's executors.

    ``key_ref`` is a ``KeyRef`` (``KeyRef.file(path)`` / ``KeyRef.env(name)``) that every
    executor can resolve; a ``MasterKey`` is refused (it cannot be pickled, by design).
    ``on_error`` is the CLI's ``--on-error``: ``fail`` (the task fails with a ``ConsentryError``
    naming the row and column, never the value), ``skip-row``, ``null-field``. Columns the
    policy transforms must be strings (Spark reads CSV as strings); dropped columns vanish from
    the schema. Lazy, as every DataFrame transformation.
    """
    if not isinstance(key_ref, KeyRef):
        raise ConsentryError(
            "`key_ref` must be a `KeyRef` (`KeyRef.file(path)` or `KeyRef.env(name)`): keys are "
            "resolved on the executors, never shipped",
            "request_invalid",
            2000,
        )
    if on_error not in _ON_ERROR:
        raise ConsentryError(
            "`on_error` must be `fail`, `skip-row` or `null-field`", "request_invalid", 2000
        )
    text = _policy_text(policy)
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    empty = pa.RecordBatch.from_pylist([], schema=to_arrow_schema(df.schema))
    # The output schema, found on the driver without the key (a random one, dropped at once).
    out_schema = _native.output_schema(text, empty, bool(reverse)).schema
    return df.mapInArrow(BatchMapper(text, key_ref, on_error, bool(reverse)), from_arrow_schema(out_schema))
