"""Replays the golden corpus through the C ABI's typed functions (not consentry_call_json):
Python's ctypes loads the shared library and calls them as declared in consentry.h.

    python3 replay_corpus_c_typed.py LIBCONSENTRY_SO [CORPUS_JSON]

verify   consentry_trust_store_add_jwk, consentry_verifier_new, consentry_verifier_verify
         (with the signed status list when the case has one)
decide   consentry_taxonomy_new, consentry_verifier_decide
statusGet  consentry_status_list_from_token, consentry_status_list_get
pseudonymise  consentry_pseudonymiser_new (raw 32-byte key), _value, _record, and CSV plans
         (consentry_csv_plan_new, _header, _row; rows written and read as RFC 4180 lines)
idValidate, idMask  consentry_id_validate, consentry_id_mask
aaVerify  consentry_aa_trust_new, consentry_aa_verify (issuer, now), consentry_aa_verified_json
aaVerifyDetached  consentry_aa_trust_new, consentry_aa_verify_detached, consentry_aa_verified_json
aaDecide  consentry_aa_trust_new, consentry_taxonomy_new, consentry_aa_decide (issuer, status)

Each case's response is rebuilt from the typed results and must hold the case's `intent`
(tests/src/intent.rs; the same check in corpus_intent.py) and equal the recorded `expect`:
the whole result when it succeeds, the code and numericCode when it fails. Operations with no
typed C function are listed in UNTYPED with the reason, and the set of cases left to the JSON
replay (replay_corpus_c.py) is asserted to be exactly theirs. Exit status 0 when all hold.
"""

import base64
import csv
import ctypes as C
import io
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from corpus_intent import check  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
lib = C.CDLL(sys.argv[1])
corpus_path = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests/corpus/corpus.json"

OK, BUFFER_TOO_SMALL = 0, 2101
DEFAULT_LEEWAY = 60
u8p, size_t, vp, u32 = C.c_char_p, C.c_size_t, C.c_void_p, C.c_uint32
OUT = [vp, size_t, C.POINTER(size_t), vp]  # out, out_cap, out_len, err


def sig(name, args, res=u32):
    f = getattr(lib, name)
    f.argtypes, f.restype = args, res
    return f


result_name = sig("consentry_result_name", [u32], C.c_char_p)
trust_store_new = sig("consentry_trust_store_new", [C.POINTER(vp)])
trust_store_add_jwk = sig("consentry_trust_store_add_jwk", [vp, u8p, size_t, vp])
trust_store_free = sig("consentry_trust_store_free", [vp], None)
verifier_new = sig("consentry_verifier_new", [vp, C.c_uint64, C.POINTER(vp), vp])
verifier_free = sig("consentry_verifier_free", [vp], None)
verifier_verify = sig("consentry_verifier_verify",
                      [vp, u8p, size_t, u8p, size_t, C.c_int64, u8p, size_t] + OUT)
taxonomy_new = sig("consentry_taxonomy_new", [u8p, size_t, C.POINTER(vp), vp])
taxonomy_free = sig("consentry_taxonomy_free", [vp], None)
verifier_decide = sig("consentry_verifier_decide",
                      [vp, vp, u8p, size_t, u8p, size_t, u8p, size_t] + OUT)
status_list_from_token = sig("consentry_status_list_from_token",
                             [vp, u8p, size_t, C.c_int64, C.POINTER(vp), vp])
status_list_get = sig("consentry_status_list_get", [vp, C.c_uint64, C.POINTER(C.c_uint8), vp])
status_list_freshness = sig("consentry_status_list_freshness",
                            [vp, C.POINTER(C.c_uint8), C.POINTER(C.c_int64), vp])
status_list_sub = sig("consentry_status_list_sub", [vp] + OUT)
status_list_kid = sig("consentry_status_list_kid", [vp] + OUT)
status_list_free = sig("consentry_status_list_free", [vp], None)
pseudonymiser_new = sig("consentry_pseudonymiser_new", [u8p, size_t, u8p, size_t, C.POINTER(vp), vp])
pseudonymiser_free = sig("consentry_pseudonymiser_free", [vp], None)
pseudonymiser_value = sig("consentry_pseudonymiser_value",
                          [vp, u8p, size_t, u8p, size_t, C.c_bool, vp, size_t, C.POINTER(size_t),
                           C.POINTER(C.c_bool), vp])
pseudonymiser_record = sig("consentry_pseudonymiser_record", [vp, u8p, size_t, C.c_bool] + OUT)
csv_plan_new = sig("consentry_csv_plan_new", [vp, u8p, size_t, C.c_bool, C.POINTER(vp), vp])
csv_plan_free = sig("consentry_csv_plan_free", [vp], None)
csv_plan_header = sig("consentry_csv_plan_header", [vp] + OUT)
csv_plan_row = sig("consentry_csv_plan_row", [vp, u8p, size_t] + OUT)
id_validate = sig("consentry_id_validate", [u8p, size_t, u8p, size_t] + OUT)
id_mask = sig("consentry_id_mask", [u8p, size_t, u8p, size_t] + OUT)
aa_trust_new = sig("consentry_aa_trust_new", [u8p, size_t, u8p, size_t, C.POINTER(vp), vp])
aa_trust_free = sig("consentry_aa_trust_free", [vp], None)
aa_verify = sig("consentry_aa_verify",
                [vp, u8p, size_t, u8p, size_t, C.POINTER(C.c_int64), C.POINTER(vp), vp])
aa_verify_detached = sig("consentry_aa_verify_detached",
                         [vp, u8p, size_t, u8p, size_t, u8p, size_t, C.POINTER(vp), vp])
aa_verified_json = sig("consentry_aa_verified_json", [vp] + OUT)
aa_verified_free = sig("consentry_aa_verified_free", [vp], None)
aa_decide = sig("consentry_aa_decide",
                [vp, vp, u8p, size_t, u8p, size_t, u8p, size_t, u8p, size_t] + OUT)

# Operations with no typed C function: their cases are replayed through consentry_call_json
# only (replay_corpus_c.py). `nonesuch` is the corpus's unknown operation.
UNTYPED = {
    "inspect": "no typed C function (an unverified view is for debugging tools)",
    "filter": "no typed C function: the permit is applied by the caller",
    "idDetect": "no typed C function",
    "nonesuch": "an operation that does not exist exists only as a name to consentry_call_json",
}
# Cases whose request cannot be expressed through typed arguments at all: a malformed
# envelope, and acceptUnknownStatus on verify (consentry_verifier_verify always fails closed;
# a C caller that accepts an unknown status says so through consentry_call_json).
JSON_ONLY = {"request-malformed", "verify-status-foreign-accepted", "verify-status-future-accepted"}
UNOBSERVABLE = {}


class Failed(Exception):
    """A typed call returned a result code other than OK."""

    def __init__(self, rc):
        super().__init__(rc)
        self.rc = rc


def ok(rc):
    if rc != OK:
        raise Failed(rc)


def b(s):
    return s.encode("utf-8")


def b64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def buffered(fn, *args):
    """The header's buffer protocol: size query, then the call into that size; text out."""
    n = size_t(0)
    rc = fn(*args, None, 0, C.byref(n), None)
    if rc != BUFFER_TOO_SMALL:
        ok(rc)
        return ""  # an empty result needs no buffer beyond the query
    buf = C.create_string_buffer(n.value)
    ok(fn(*args, buf, n.value, C.byref(n), None))
    return buf.raw[: n.value].decode("utf-8")


def buffered_raw(fn, *args):
    """As `buffered`, for binary output (a `kid`)."""
    n = size_t(0)
    rc = fn(*args, None, 0, C.byref(n), None)
    if rc != BUFFER_TOO_SMALL:
        ok(rc)
        return b""
    buf = C.create_string_buffer(n.value)
    ok(fn(*args, buf, n.value, C.byref(n), None))
    return buf.raw[: n.value]


def verifier_of(trust):
    store, verifier = vp(), vp()
    ok(trust_store_new(C.byref(store)))
    try:
        t = b(json.dumps(trust))
        ok(trust_store_add_jwk(store, t, len(t), None))
        ok(verifier_new(store, DEFAULT_LEEWAY, C.byref(verifier), None))
    finally:
        trust_store_free(store)
    return verifier


def opt_list(r):
    if "statusList" not in r:
        return None, 0
    raw = b64(r["statusList"])
    return raw, len(raw)


def typed_verify(r):
    v = verifier_of(r["trust"])
    try:
        art, aud = b64(r["artefact"]), b(r["audience"])
        lst, n = opt_list(r)
        return json.loads(buffered(verifier_verify, v, art, len(art), aud, len(aud), r["now"], lst, n))
    finally:
        verifier_free(v)


def typed_decide(r):
    v, tax = verifier_of(r["trust"]), vp()
    try:
        ok(taxonomy_new(None, 0, C.byref(tax), None))
        art, req = b64(r["artefact"]), b(json.dumps(r["request"]))
        lst, n = opt_list(r)
        return json.loads(buffered(verifier_decide, v, tax, art, len(art), req, len(req), lst, n))
    finally:
        taxonomy_free(tax)
        verifier_free(v)


def typed_status_get(r):
    v, lst = verifier_of(r["trust"]), vp()
    try:
        tok = b64(r["statusList"])
        ok(status_list_from_token(v, tok, len(tok), r["now"], C.byref(lst), None))
        val = C.c_uint8(0)
        ok(status_list_get(lst, r["idx"], C.byref(val), None))
        name = {0: "valid", 1: "invalid", 2: "suspended"}.get(val.value, "other")
        state, at = C.c_uint8(0), C.c_int64(0)
        ok(status_list_freshness(lst, C.byref(state), C.byref(at), None))
        fresh = {0: {"state": "fresh"}, 1: {"state": "expired", "exp": at.value},
                 2: {"state": "stale", "refreshBy": at.value}}[state.value]
        kid = buffered_raw(status_list_kid, lst)
        kid = base64.urlsafe_b64encode(kid).decode().rstrip("=")
        return {"idx": r["idx"], "status": name, "value": val.value,
                "uri": buffered(status_list_sub, lst), "kid": kid, "list": fresh}
    finally:
        status_list_free(lst)
        verifier_free(v)


def csv_line(cells):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def csv_cells(line):
    return next(csv.reader(io.StringIO(line)))


def typed_pseudonymise(r):
    try:
        key = bytes.fromhex(r["masterKey"])
    except ValueError:
        key = b""  # not hex: no key bytes, which the library refuses as an invalid key
    pol = b(json.dumps(r["policy"]))
    ps = vp()
    ok(pseudonymiser_new(pol, len(pol), key, len(key), C.byref(ps), None))
    rev = bool(r.get("reverse", False))
    try:
        if "field" in r:
            f, val = b(r["field"]), b(r["value"])
            n, dropped = size_t(0), C.c_bool(False)
            rc = pseudonymiser_value(ps, f, len(f), val, len(val), rev, None, 0, C.byref(n), C.byref(dropped), None)
            if rc == BUFFER_TOO_SMALL:
                buf = C.create_string_buffer(n.value)
                ok(pseudonymiser_value(ps, f, len(f), val, len(val), rev, buf, n.value, C.byref(n),
                                       C.byref(dropped), None))
                out = buf.raw[: n.value].decode("utf-8")
            else:
                ok(rc)
                out = ""
            return {"value": None if dropped.value else out}
        if "record" in r:
            rec = b(json.dumps(r["record"], ensure_ascii=False))
            return {"record": json.loads(buffered(pseudonymiser_record, ps, rec, len(rec), rev))}
        header = b(csv_line(r["csv"]["header"]))
        plan = vp()
        ok(csv_plan_new(ps, header, len(header), rev, C.byref(plan), None))
        try:
            out_header = csv_cells(buffered(csv_plan_header, plan))
            rows = []
            for row in r["csv"]["rows"]:
                line = b(csv_line(row))
                rows.append(csv_cells(buffered(csv_plan_row, plan, line, len(line))))
            return {"csv": {"header": out_header, "rows": rows}}
        finally:
            csv_plan_free(plan)
    finally:
        pseudonymiser_free(ps)


ID_CODES = {4000, 4001, 4002}


def typed_id_validate(r):
    t, v = b(r["type"]), b(r["value"])
    try:
        return {"valid": True, "normalised": buffered(id_validate, t, len(t), v, len(v))}
    except Failed as e:
        if e.rc not in ID_CODES:
            raise
        return {"valid": False, "error": {"code": result_name(e.rc).decode(), "numericCode": e.rc}}


def typed_id_mask(r):
    t, v = b(r["type"]), b(r["value"])
    return {"masked": buffered(id_mask, t, len(t), v, len(v))}


def opt_text(r, name):
    if r.get(name) is None:
        return None, 0
    t = b(r[name])
    return t, len(t)


def aa_trust_of(trust):
    t, doc = vp(), b(json.dumps(trust))
    ok(aa_trust_new(doc, len(doc), None, 0, C.byref(t), None))
    return t


def aa_result(call):
    """A result handle from `call(out)`, read as the result JSON and freed."""
    v = vp()
    ok(call(C.byref(v)))
    try:
        return json.loads(buffered(aa_verified_json, v))
    finally:
        aa_verified_free(v)


def typed_aa_verify(r):
    t = aa_trust_of(r["trust"])
    try:
        jws, (iss, n) = b(r["jws"]), opt_text(r, "issuer")
        now = C.byref(C.c_int64(r["now"])) if r.get("now") is not None else None
        return aa_result(lambda out: aa_verify(t, jws, len(jws), iss, n, now, out, None))
    finally:
        aa_trust_free(t)


def typed_aa_verify_detached(r):
    t = aa_trust_of(r["trust"])
    try:
        s, body, (iss, n) = b(r["signature"]), b64(r["body"]), opt_text(r, "issuer")
        return aa_result(lambda out: aa_verify_detached(t, s, len(s), body, len(body), iss, n, out, None))
    finally:
        aa_trust_free(t)


def typed_aa_decide(r):
    t, tax = aa_trust_of(r["trust"]), vp()
    try:
        ok(taxonomy_new(None, 0, C.byref(tax), None))
        jws, req = b(r["jws"]), b(json.dumps(r["request"]))
        (iss, n), (st, sn) = opt_text(r, "issuer"), opt_text(r, "status")
        return json.loads(buffered(aa_decide, t, tax, jws, len(jws), iss, n, req, len(req), st, sn))
    finally:
        taxonomy_free(tax)
        aa_trust_free(t)


TYPED = {
    "verify": typed_verify,
    "decide": typed_decide,
    "statusGet": typed_status_get,
    "pseudonymise": typed_pseudonymise,
    "idValidate": typed_id_validate,
    "idMask": typed_id_mask,
    "aaVerify": typed_aa_verify,
    "aaVerifyDetached": typed_aa_verify_detached,
    "aaDecide": typed_aa_decide,
}


def same_result(got, want):
    """The typed result equals the recorded one; an error inside idValidate's result is
    compared by code and numericCode (its message is the JSON layer's)."""
    if isinstance(want, dict) and isinstance(want.get("error"), dict) and "valid" in want:
        return (got.get("valid") == want["valid"]
                and got["error"]["code"] == want["error"]["code"]
                and got["error"]["numericCode"] == want["error"]["numericCode"])
    return got == want


doc = json.loads(corpus_path.read_text(encoding="utf-8"))
cases = doc["cases"]
failed, left = 0, []
for case in cases:
    op, r = case["op"], case["request"]
    if case["id"] in JSON_ONLY or op in UNTYPED:
        left.append(case["id"])
        continue
    if op not in TYPED:
        failed += 1
        print(f"FAIL {case['id']}: operation `{op}` has no typed C replay and is not in UNTYPED", file=sys.stderr)
        continue
    try:
        try:
            env = {"ok": True, "result": TYPED[op](r)}
        except Failed as e:
            env = {"ok": False, "error": {"code": result_name(e.rc).decode(), "numericCode": e.rc}}
        diff = check(case["intent"], env, UNOBSERVABLE.get(op, ()))
        if diff:
            raise AssertionError(diff)
        want = case["expect"]
        if want["ok"] != env["ok"]:
            raise AssertionError(f"ok {env['ok']}, recorded {want['ok']}")
        if env["ok"]:
            got = env["result"]
            rec = want["result"]
            if not same_result(got, rec):
                raise AssertionError(f"result differs:\n  got    {json.dumps(got)}\n  expect {json.dumps(rec)}")
        elif (env["error"]["code"], env["error"]["numericCode"]) != (want["error"]["code"], want["error"]["numericCode"]):
            raise AssertionError(f"error {env['error']}, recorded {want['error']['code']}")
    except AssertionError as e:
        failed += 1
        print(f"FAIL {case['id']} ({op}, typed C): {e}", file=sys.stderr)

expected_left = sorted(c["id"] for c in cases if c["id"] in JSON_ONLY or c["op"] in UNTYPED)
assert sorted(left) == expected_left
typed = len(cases) - len(left)
print(f"corpus through the typed C functions: {typed - failed}/{typed} cases hold their intent and "
      f"equal the recorded response; {len(left)} left to consentry_call_json "
      f"({', '.join(sorted({c['op'] for c in cases if c['id'] in left}))})")
sys.exit(1 if failed else 0)
