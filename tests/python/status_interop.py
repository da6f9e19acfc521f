"""Status lists across implementations.

1. Lists written by `consentry status new/set` decode with Python's zlib + cbor2 to the
   statuses set, and their signature verifies with `cryptography`.
2. The draft's 8-bit example (generated with Python's `random.seed(42)`) is regenerated here
   and must equal what `consentry status get` reads from a list with those values.

Usage: python status_interop.py PATH/TO/consentry VECTORS_DIR
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import zlib

import cbor2
from cryptography.hazmat.primitives import serialization

CLI, VECTORS = sys.argv[1], sys.argv[2]


def cli(*args):
    r = subprocess.run([CLI, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"FAIL: consentry {' '.join(args)}: {r.stderr}")
    return r.stdout


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAIL: {what}")
    print(f"ok - {what}")


def get(lst: bytes, bits: int, idx: int) -> int:
    bit = idx * bits
    return (lst[bit // 8] >> (bit % 8)) & ((1 << bits) - 1)


with tempfile.TemporaryDirectory() as tmp:
    key, lst_path = os.path.join(tmp, "k.pem"), os.path.join(tmp, "list.cwt")
    cli("key", "new", "--out", key)
    cli("status", "new", "--key", key, "--size", "100000", "--bits", "2", "--uri", "https://cm.example/s/1",
        "--out", lst_path, "--ttl", "3600", "--now", "1800000000")
    want = {0: 1, 7: 2, 4242: 1, 99999: 2, 65536: 3}
    for idx, v in want.items():
        cli("status", "set", "--list", lst_path, "--key", key, "--idx", str(idx), "--value", str(v), "--now", "1800000100")

    wire = open(lst_path, "rb").read()
    tag = cbor2.loads(wire)
    check(tag.tag == 18, "the list is a tagged COSE_Sign1")
    protected, unprotected, payload, sig = tag.value
    hdr = cbor2.loads(protected)
    check(hdr[1] == -8 and hdr[16] == "application/statuslist+cwt" and len(hdr[4]) == 32, "header: EdDSA, kid, typ statuslist+cwt")
    claims = cbor2.loads(payload)
    check(claims[2] == "https://cm.example/s/1" and claims[6] == 1800000100 and claims[65534] == 3600, "sub, iat, ttl claims")
    sl = claims[65533]
    raw = zlib.decompress(sl["lst"])
    check(sl["bits"] == 2 and len(raw) == 25000, "2 bits per entry, 100000 entries")
    for idx in range(100000):
        if get(raw, 2, idx) != want.get(idx, 0):
            raise SystemExit(f"FAIL: index {idx}")
    print("ok - every entry decoded by zlib + cbor2 equals what was set")
    sk = serialization.load_pem_private_key(open(key, "rb").read(), password=None)
    sk.public_key().verify(sig, cbor2.dumps(["Signature1", protected, b"", payload]))
    print("ok - cryptography verifies the list's signature")

    # The draft's 8-bit example: statuses from random.seed(42), as its generator does.
    random.seed(42)
    declared = {}
    for x in range(2 ** 8):
        declared[random.randint(0, 2 ** 20 - 1)] = x
    text = open(os.path.join(VECTORS, "ietf-oauth-status-list/examples/status_list_encoding8_cbor.md")).read()
    sl = cbor2.loads(bytes.fromhex("".join(text.split())))
    raw = zlib.decompress(sl["lst"])
    check(all(raw[i] == declared.get(i, 0) for i in range(2 ** 20)), "the draft's 8-bit example holds its seeded statuses (Python)")
    # consentry reads the same values from the draft's exact `lst`: wrap it in a token signed
    # here with our key (profile header, kid = RFC 9679 thumbprint) and ask the CLI.
    import hashlib
    x = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = hashlib.sha256(cbor2.dumps({1: 1, -1: 6, -2: x}, canonical=True)).digest()
    p = cbor2.dumps({1: -8, 4: kid, 16: "application/statuslist+cwt"}, canonical=True)
    body = cbor2.dumps({2: "https://example.com/statuslists/8", 6: 1800000000, 65533: sl}, canonical=True)
    token = cbor2.dumps(cbor2.CBORTag(18, [p, {}, body, sk.sign(cbor2.dumps(["Signature1", p, b"", body]))]))
    lst8, jwks = os.path.join(tmp, "draft8.cwt"), os.path.join(tmp, "jwks.json")
    open(lst8, "wb").write(token)
    open(jwks, "w").write(cli("key", "public", "--key", key, "--jwks"))
    summary = json.loads(cli("status", "verify", "--trust", jwks, lst8, "--now", "1800000001"))
    nonzero = sum(1 for v in declared.values() if v != 0)
    check(summary["entries"] == 2 ** 20 and summary["bits"] == 8, "consentry reads the draft's 8-bit list: 2^20 entries")
    check(2 ** 20 - summary["counts"]["valid"] == nonzero, f"consentry counts {nonzero} non-zero entries, as seeded")
    for i, v in sorted(declared.items())[::16]:
        got = json.loads(cli("status", "get", "--list", lst8, "--idx", str(i), "--trust", jwks, "--now", "1800000001"))
        if got["value"] != v:
            raise SystemExit(f"FAIL: index {i}: consentry {got['value']}, seeded {v}")
    print("ok - consentry reads the seeded value at every 16th seeded index")
print("status interop: all checks passed")
