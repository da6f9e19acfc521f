"""Replays the golden corpus through the C ABI with no binding code of ours: Python's ctypes
loads the shared library and calls `consentry_call_json(op, request)` as declared in
consentry.h, for every case of tests/corpus/corpus.json, and requires the response JSON to
hold the case's `intent` (corpus_intent.py) and equal its `expect` exactly (parsed JSON
compared; the text is UTF-8). The typed C functions replay it in replay_corpus_c_typed.py.

    python3 replay_corpus_c.py LIBCONSENTRY_SO [CORPUS_JSON]

The result code must agree with the envelope too: CONSENTRY_RESULT_OK for `{"ok": true}`, the
error's `numericCode` for `{"ok": false}`. Each case is called twice: once with a buffer too
small (size query, the header's buffer protocol) and once with the size it asked for.
Exit status 0 when every case matches.
"""

import ctypes as C
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from corpus_intent import check  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
lib = C.CDLL(sys.argv[1])
corpus_path = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests/corpus/corpus.json"

size_t = C.c_size_t
lib.consentry_call_json.argtypes = [
    C.c_char_p, size_t, C.c_char_p, size_t, C.c_void_p, size_t, C.POINTER(size_t), C.c_void_p,
]
lib.consentry_call_json.restype = C.c_uint32
lib.consentry_result_name.argtypes = [C.c_uint32]
lib.consentry_result_name.restype = C.c_char_p

OK, BUFFER_TOO_SMALL = 0, 2101


def call_json(op: str, request: str):
    op_b, req_b = op.encode(), request.encode()
    n = size_t(0)
    rc = lib.consentry_call_json(op_b, len(op_b), req_b, len(req_b), None, 0, C.byref(n), None)
    if rc != BUFFER_TOO_SMALL:
        raise AssertionError(f"size query returned {rc}, expected BUFFER_TOO_SMALL")
    need = n.value
    buf = C.create_string_buffer(need)
    rc = lib.consentry_call_json(op_b, len(op_b), req_b, len(req_b), buf, need, C.byref(n), None)
    raw = buf.raw
    if n.value + 1 != need or raw[n.value] != 0:
        raise AssertionError(f"out_len {n.value} does not match the size query {need} (with NUL)")
    return rc, raw[: n.value].decode("utf-8")


doc = json.loads(corpus_path.read_text(encoding="utf-8"))
cases = doc["cases"]
failed = 0
for case in cases:
    # The request as compact JSON text, as every face sends it.
    request = json.dumps(case["request"], ensure_ascii=False, separators=(",", ":"))
    try:
        rc, text = call_json(case["op"], request)
        got = json.loads(text)
        diff = check(case["intent"], got)
        if diff:
            raise AssertionError(diff)
        if got != case["expect"]:
            raise AssertionError(f"response differs:\n  got    {text}\n  expect {json.dumps(case['expect'])}")
        want_rc = OK if case["expect"].get("ok") else case["expect"]["error"]["numericCode"]
        if rc != want_rc:
            raise AssertionError(
                f"result code {rc} ({lib.consentry_result_name(rc).decode()}), expected {want_rc}"
            )
    except AssertionError as e:
        failed += 1
        print(f"FAIL {case['id']} ({case['op']}): {e}", file=sys.stderr)

ops = sorted({c["op"] for c in cases})
print(f"corpus through the C ABI: {len(cases) - failed}/{len(cases)} cases hold their intent and equal ({', '.join(ops)})")
sys.exit(1 if failed else 0)
