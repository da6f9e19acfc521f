"""Interop with independent implementations (pycose, cbor2, cryptography).

1. Artefacts issued by `consentry issue` verify in pycose and in cryptography directly; their
   header, kid (RFC 9679 thumbprint, recomputed here) and deterministic encoding are checked.
2. Artefacts built here, to the profile of docs/artefact.md, with cbor2 + cryptography (Ed25519 and
   ES256) verify in `consentry verify`; a tampered one is refused with `signature_invalid`.

Usage: python cose_interop.py PATH/TO/consentry
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from pycose.algorithms import EdDSA
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import CoseMessage

TYP = "application/vnd.consentry.artefact+cwt"
CLI = sys.argv[1]
NOW = 1_800_000_100


def b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64u(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def det(obj) -> bytes:
    """RFC 8949 §4.2.1 deterministic encoding (cbor2's canonical mode sorts keys bytewise)."""
    return cbor2.dumps(obj, canonical=True)


def thumbprint_okp(x: bytes) -> bytes:
    return hashlib.sha256(det({1: 1, -1: 6, -2: x})).digest()


def thumbprint_ec2(x: bytes, y: bytes) -> bytes:
    return hashlib.sha256(det({1: 2, -1: 1, -2: x, -3: y})).digest()


def cli(*args, stdin=None):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True)


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAIL: {what}")
    print(f"ok - {what}")


CLAIMS_JSON = {
    "iss": "cm.example", "sub": "pp-123", "aud": ["tn.health", "tn.research"], "exp": 1_900_000_000,
    "iat": 1_800_000_000, "cti": b64u(b"\x07" * 16),
    "status": {"status_list": {"idx": 42, "uri": "https://cm.example/s/1"}},
    "consent": {
        "v": 1, "basis": "consent", "child": False,
        "notice": {"id": "n1", "sha256": b64u(b"\xab" * 32), "lang": "ta-IN"},
        "purposes": [
            {"purpose": "aa:101", "fields": ["/name", "/accounts/*/balance"], "mode": "view",
             "data_life": 86400, "frequency": {"max": 3, "per": 3600},
             "transforms": {"/name": "pseudonym"}},
            {"purpose": "abdm:CAREMGT", "fields": ["/dob"], "mode": "store"},
        ],
    },
}


def claims_cbor_from_json(c: dict) -> dict:
    """The CBOR claims set for the JSON view (bytes from base64url), as an independent mapping."""
    con = dict(c["consent"])
    con["notice"] = dict(con["notice"], sha256=unb64u(con["notice"]["sha256"]))
    out = {1: c["iss"], 2: c["sub"], 3: c["aud"], 4: c["exp"], 6: c["iat"], 7: unb64u(c["cti"]),
           "consent": con}
    if "status" in c:
        out[65535] = c["status"]
    return out


def part1_consentry_to_independent(tmp: str):
    key = os.path.join(tmp, "k.pem")
    check(cli("key", "new", "--out", key).returncode == 0, "consentry key new")
    claims_path = os.path.join(tmp, "claims.json")
    with open(claims_path, "w") as f:
        json.dump(CLAIMS_JSON, f)
    r = cli("issue", "--key", key, "--claims", claims_path)
    check(r.returncode == 0, "consentry issue")
    wire = unb64u(r.stdout.strip())

    sk = serialization.load_pem_private_key(open(key, "rb").read(), password=None)
    x = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    tag = cbor2.loads(wire)
    check(isinstance(tag, cbor2.CBORTag) and tag.tag == 18, "tagged COSE_Sign1 (18)")
    protected, unprotected, payload, sig = tag.value
    check(unprotected == {}, "unprotected header is empty")
    hdr = cbor2.loads(protected)
    check(hdr == {1: -8, 4: thumbprint_okp(x), 16: TYP}, "protected header: alg, kid = RFC 9679 thumbprint, typ")
    check(det(hdr) == protected, "protected header is deterministic CBOR")
    check(cbor2.loads(payload) == claims_cbor_from_json(CLAIMS_JSON), "claims decode to the JSON view's structure")
    check(det(cbor2.loads(payload)) == payload, "payload is deterministic CBOR")

    msg = CoseMessage.decode(wire)
    msg.key = OKPKey(crv=Ed25519, x=x)
    check(msg.verify_signature(), "pycose verifies the consentry artefact")
    ed25519.Ed25519PublicKey.from_public_bytes(x).verify(
        sig, cbor2.dumps(["Signature1", protected, b"", payload]))
    print("ok - cryptography verifies the signature over the Sig_structure")

    # Same claims, same key: same bytes.
    r2 = cli("issue", "--key", key, "--claims", claims_path)
    check(unb64u(r2.stdout.strip()) == wire, "issuing twice gives identical bytes (Ed25519)")


def sign1(protected: dict, payload: bytes, signer) -> bytes:
    p = det(protected)
    tbs = cbor2.dumps(["Signature1", p, b"", payload])
    return cbor2.dumps(cbor2.CBORTag(18, [p, {}, payload, signer(tbs)]))


def part2_independent_to_consentry(tmp: str):
    payload = det(claims_cbor_from_json(CLAIMS_JSON))

    ed = ed25519.Ed25519PrivateKey.generate()
    x = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    ed_kid = thumbprint_okp(x)
    ed_art = sign1({1: -8, 4: ed_kid, 16: TYP}, payload, ed.sign)

    p256 = ec.generate_private_key(ec.SECP256R1())
    nums = p256.public_key().public_numbers()
    ex, ey = nums.x.to_bytes(32, "big"), nums.y.to_bytes(32, "big")

    def es256(tbs: bytes) -> bytes:
        r, s = decode_dss_signature(p256.sign(tbs, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    # Another issuer's kid is any byte string: use plain text here.
    es_art = sign1({1: -7, 4: b"issuer-7", 16: TYP}, payload, es256)

    jwks = {"keys": [
        {"kty": "OKP", "crv": "Ed25519", "x": b64u(x)},  # no kid: the thumbprint is used
        {"kty": "EC", "crv": "P-256", "x": b64u(ex), "y": b64u(ey), "kid": "issuer-7"},
    ]}
    trust = os.path.join(tmp, "trust.json")
    with open(trust, "w") as f:
        json.dump(jwks, f)

    for name, art in [("Ed25519", ed_art), ("ES256", es_art)]:
        r = cli("verify", "--trust", trust, "--aud", "tn.health", "--now", str(NOW), b64u(art))
        check(r.returncode == 0, f"consentry verifies an artefact built by cbor2 + cryptography ({name}): {r.stderr.strip()}")
        out = json.loads(r.stdout)
        check(out["claims"] == CLAIMS_JSON, f"verified claims equal the independent ones ({name})")
        # ES256 signatures as the DER form are refused (COSE uses r||s).
        if name == "ES256":
            bad = cbor2.loads(art)
            r_, s_ = int.from_bytes(bad.value[3][:32], "big"), int.from_bytes(bad.value[3][32:], "big")
            bad.value[3] = encode_dss_signature(r_, s_)
            r = cli("verify", "--trust", trust, "--aud", "tn.health", "--now", str(NOW), b64u(cbor2.dumps(bad)))
            check(r.returncode == 1 and json.loads(r.stderr)["code"] == "signature_invalid", "a DER ES256 signature is refused")

    tampered = bytearray(ed_art)
    tampered[-70] ^= 1
    r = cli("verify", "--trust", trust, "--aud", "tn.health", "--now", str(NOW), b64u(bytes(tampered)))
    check(r.returncode == 1 and json.loads(r.stderr)["code"] == "signature_invalid", "a tampered payload is refused")

    # A non-deterministic (unsorted) claims map, properly signed, is refused by the strict decoder.
    unsorted = cbor2.dumps(dict(reversed(list(claims_cbor_from_json(CLAIMS_JSON).items()))))
    art = sign1({1: -8, 4: ed_kid, 16: TYP}, unsorted, ed.sign)
    r = cli("verify", "--trust", trust, "--aud", "tn.health", "--now", str(NOW), b64u(art))
    check(r.returncode == 1 and json.loads(r.stderr)["code"] == "cbor_unsorted_keys", "an unsorted claims map is refused")


def part3_foreign_private_keys(tmp: str):
    """PKCS#8 keys written by another library load in consentry with the same public key."""
    keys = [("Ed25519", ed25519.Ed25519PrivateKey.generate()), ("P-256", ec.generate_private_key(ec.SECP256R1()))]
    for name, k in keys:
        path = os.path.join(tmp, f"foreign-{name}.pem")
        with open(path, "wb") as f:
            f.write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
        r = cli("key", "public", "--key", path)
        check(r.returncode == 0, f"consentry loads a {name} PKCS#8 key written by cryptography")
        jwk = json.loads(r.stdout)
        if name == "Ed25519":
            x = k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            want = thumbprint_okp(x)
        else:
            n = k.public_key().public_numbers()
            want = thumbprint_ec2(n.x.to_bytes(32, "big"), n.y.to_bytes(32, "big"))
        check(jwk["kid"] == b64u(want), f"its kid is the RFC 9679 thumbprint computed here ({name})")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        part1_consentry_to_independent(tmp)
        part2_independent_to_consentry(tmp)
        part3_foreign_private_keys(tmp)
    print("interop: all checks passed")
