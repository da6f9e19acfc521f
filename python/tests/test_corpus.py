"""The golden corpus (tests/corpus/corpus.json) replayed through the Python API's typed calls:
every verify, decide, statusGet, inspect and pseudonymise case must hold its intent and equal
the recorded response (what the CLI, the C ABI and the npm package give), the whole result on
success and the code on failure."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

import consentry
from corpus_intent import check

# Cases whose request the typed API cannot express: a request that is not a request (wrong
# member types), and CSV rows of unequal length (an Arrow table's columns have one length).
INEXPRESSIBLE = {"request-malformed", "pseudo-row-length"}
TYPED_OPS = {"verify", "decide", "statusGet", "inspect", "pseudonymise"}


def _verifier(trust) -> consentry.Verifier:
    return consentry.Verifier(consentry.TrustStore.from_jwks(trust))


def _typed(op: str, r: dict):
    if op == "verify":
        return _verifier(r["trust"]).verify(
            r["artefact"], r["audience"], now=r["now"], status_list=r.get("statusList"),
            accept_unknown_status=r.get("acceptUnknownStatus", False))
    if op == "decide":
        return _verifier(r["trust"]).decide(r["artefact"], r["request"], status_list=r.get("statusList"))
    if op == "statusGet":
        return _verifier(r["trust"]).status(r["statusList"], r["idx"], now=r["now"])
    if op == "inspect":
        return consentry.inspect(r["artefact"])
    # pseudonymise
    p = consentry.Pseudonymiser(r["policy"], consentry.MasterKey.from_hex(r["masterKey"]))
    rev = r.get("reverse", False)
    if "field" in r:
        f = p.reverse_value if rev else p.value
        return {"value": f(r["field"], r["value"])}
    if "record" in r:
        f = p.reverse_record if rev else p.record
        return {"record": f(r["record"])}
    header, body = r["csv"]["header"], r["csv"]["rows"]
    cols = [pa.array([row[i] for row in body], pa.string()) for i in range(len(header))]
    table = pa.Table.from_arrays(cols, names=header)
    out = (p.reverse_batch if rev else p.batch)(table)
    return {"csv": {"header": out.column_names,
                    "rows": [list(r.values()) for r in out.to_pylist()]}}


def _cases():
    from conftest import ROOT
    doc = json.loads((ROOT / "tests" / "corpus" / "corpus.json").read_text(encoding="utf-8"))
    return [c for c in doc["cases"] if c["op"] in TYPED_OPS]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["id"])
def test_corpus_case_through_the_python_api_equals_the_recorded_response(case):
    if case["id"] in INEXPRESSIBLE:
        pytest.skip("not expressible through typed arguments")
    try:
        env = {"ok": True, "result": _typed(case["op"], case["request"])}
    except consentry.ConsentryError as e:
        env = {"ok": False, "error": {"code": e.code, "numericCode": e.numeric_code}}
    diff = check(case["intent"], env, ())
    assert diff is None, diff
    want = case["expect"]
    assert env["ok"] == want["ok"], (env, want)
    if want["ok"]:
        assert env["result"] == want["result"]
    else:
        assert (env["error"]["code"], env["error"]["numericCode"]) == (
            want["error"]["code"], want["error"]["numericCode"])


def test_the_corpus_has_cases_for_every_typed_operation():
    ops = {c["op"] for c in _cases()}
    assert ops == TYPED_OPS
    assert len(_cases()) > 100
