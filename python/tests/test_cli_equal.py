"""Verify and decide from Python equal the command line (`consentry verify` / `consentry
decide`, the release binary) on every golden-corpus case the CLI's flags can express: the same
JSON on success, the same code on failure."""

from __future__ import annotations

import base64
import json
import subprocess

import pytest

import consentry
from test_corpus import _cases


def _unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def _cli(cli, args):
    run = subprocess.run([str(cli), *args], capture_output=True, text=True)
    if run.returncode == 2 or (run.returncode == 1 and not run.stdout.strip()):
        err = json.loads(run.stderr.strip().splitlines()[-1])
        return {"ok": False, "code": err["code"]}
    return {"ok": True, "result": json.loads(run.stdout)}


def _python(fn):
    try:
        return {"ok": True, "result": fn()}
    except consentry.ConsentryError as e:
        return {"ok": False, "code": e.code}


DECIDE_FLAGS = {"recipient", "purpose", "operation", "fields", "now", "uses", "leeway", "acceptUnknownStatus"}


def _expressible(case) -> bool:
    r = case["request"]
    if case["op"] == "verify":
        return {"trust", "audience", "now", "artefact"} <= set(r)
    if case["op"] == "decide":
        return set(r["request"]) <= DECIDE_FLAGS and not r.get("taxonomies")
    return False


CASES = [c for c in _cases() if c["op"] in ("verify", "decide")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_python_equals_the_cli(case, cli, tmp_path):
    if not _expressible(case):
        pytest.skip("not expressible through the CLI's flags")
    r = case["request"]
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps(r["trust"]))
    extra = []
    if "statusList" in r:
        lst = tmp_path / "status.cwt"
        lst.write_bytes(_unb64(r["statusList"]))
        extra += ["--status-list", str(lst)]
    def store():
        return consentry.TrustStore.from_jwks(r["trust"])

    if case["op"] == "verify":
        if r.get("acceptUnknownStatus"):
            extra.append("--accept-unknown-status")
        via_cli = _cli(cli, ["verify", "--trust", str(trust), "--aud", r["audience"], "--now", str(r["now"]),
                             *extra, r["artefact"]])
        via_py = _python(lambda: consentry.Verifier(store()).verify(
            r["artefact"], r["audience"], now=r["now"], status_list=r.get("statusList"),
            accept_unknown_status=r.get("acceptUnknownStatus", False)))
    else:
        q = r["request"]
        for flag, member in (("--now", "now"), ("--uses", "uses"), ("--leeway", "leeway")):
            if member in q:
                extra += [flag, str(q[member])]
        if q.get("acceptUnknownStatus"):
            extra.append("--accept-unknown-status")
        via_cli = _cli(cli, ["decide", "--trust", str(trust), "--aud", q["recipient"], "--purpose", q["purpose"],
                             "--op", q["operation"], "--fields", ",".join(q["fields"]), *extra, r["artefact"]])
        via_py = _python(lambda: consentry.Verifier(store()).decide(r["artefact"], q, status_list=r.get("statusList")))
    assert via_py == via_cli
