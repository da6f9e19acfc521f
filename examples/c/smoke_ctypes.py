"""Smoke test of the C ABI from another host language with no binding code of ours: Python's
ctypes loads libconsentry_ffi.so and calls the functions declared in consentry.h.

    python3 smoke_ctypes.py LIBCONSENTRY_FFI_SO FIXTURE_DIR

Replays the fixture set (cases.txt) through the verifier handle and through
consentry_call_json, and checks the codes the Rust API gave. Exit status 0 on success.
"""

import base64
import ctypes as C
import json
import pathlib
import sys

lib = C.CDLL(sys.argv[1])
fx = pathlib.Path(sys.argv[2])

u8p, size_t = C.c_char_p, C.c_size_t
lib.consentry_version.restype = C.c_char_p
lib.consentry_result_name.restype = C.c_char_p
lib.consentry_result_name.argtypes = [C.c_uint32]
lib.consentry_trust_store_new.argtypes = [C.POINTER(C.c_void_p)]
lib.consentry_trust_store_new.restype = C.c_uint32
lib.consentry_trust_store_add_jwk.argtypes = [C.c_void_p, u8p, size_t, C.c_void_p]
lib.consentry_trust_store_add_jwk.restype = C.c_uint32
lib.consentry_trust_store_free.argtypes = [C.c_void_p]
lib.consentry_verifier_new.argtypes = [C.c_void_p, C.c_uint64, C.POINTER(C.c_void_p), C.c_void_p]
lib.consentry_verifier_new.restype = C.c_uint32
lib.consentry_verifier_free.argtypes = [C.c_void_p]
lib.consentry_verifier_verify.argtypes = [
    C.c_void_p, u8p, size_t, u8p, size_t, C.c_int64, u8p, size_t,
    C.c_void_p, size_t, C.POINTER(size_t), C.c_void_p,
]
lib.consentry_verifier_verify.restype = C.c_uint32
lib.consentry_call_json.argtypes = [u8p, size_t, u8p, size_t, C.c_void_p, size_t, C.POINTER(size_t), C.c_void_p]
lib.consentry_call_json.restype = C.c_uint32

OK, BUFFER_TOO_SMALL = 0, 2101


def call_with_buffer(fn, *args):
    """Size query, then the call into a buffer of that size (the header's buffer protocol)."""
    n = size_t(0)
    rc = fn(*args, None, 0, C.byref(n), None)
    if rc != BUFFER_TOO_SMALL:
        return rc, None
    buf = C.create_string_buffer(n.value)
    rc = fn(*args, buf, n.value, C.byref(n), None)
    return rc, buf.raw[: n.value].decode()


print("consentry", lib.consentry_version().decode())
assert lib.consentry_result_name(1300) == b"signature_invalid"

jwks = (fx / "trust.jwks.json").read_bytes()
store, verifier = C.c_void_p(), C.c_void_p()
assert lib.consentry_trust_store_new(C.byref(store)) == OK
assert lib.consentry_trust_store_add_jwk(store, jwks, len(jwks), None) == OK
assert lib.consentry_verifier_new(store, 60, C.byref(verifier), None) == OK

b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
cases = 0
for line in (fx / "cases.txt").read_text().splitlines():
    name, code, aud, now, lst = line.split()
    code, now = int(code), int(now)
    art = (fx / f"{name}.cose").read_bytes()
    lb = None if lst == "-" else (fx / f"list-{lst}.cwt").read_bytes()
    # Handles. A failing verify never reports a size: its code comes straight back.
    rc, out = call_with_buffer(
        lib.consentry_verifier_verify, verifier, art, len(art), aud.encode(), len(aud), now,
        lb, 0 if lb is None else len(lb),
    )
    assert rc == code, f"{name}: ctypes verify gave {rc}, Rust gave {code}"
    if code == OK:
        assert out == (fx / f"{name}.json").read_text(), name
    # The JSON entry point.
    req = {"artefact": b64(art), "trust": json.loads(jwks), "audience": aud, "now": now}
    if lb is not None:
        req["statusList"] = b64(lb)
    req = json.dumps(req).encode()
    n = size_t(0)
    buf = C.create_string_buffer(64 * 1024)
    rc = lib.consentry_call_json(b"verify", 6, req, len(req), buf, len(buf), C.byref(n), None)
    env = json.loads(buf.value.decode())
    assert rc == code, f"{name}: call_json gave {rc}, Rust gave {code}"
    assert env["ok"] == (code == OK) and (code == OK or env["error"]["numericCode"] == code), env
    cases += 1

lib.consentry_verifier_free(verifier)
lib.consentry_trust_store_free(store)
lib.consentry_verifier_free(None)
print(f"ctypes: {cases} fixture cases give the Rust API's codes")
