"""Account Aggregator JWS across implementations (issue 16).

Python `cryptography` (RSASSA-PKCS1-v1_5, SHA-256) signs an AA consent detail as AA
implementations do, in the three `b64` variants (false: the signature over
`header "." payload bytes`, the compact payload still base64url; true and absent: the RFC 7515
input), compact and detached `header..signature`:

1. `consentry aa verify` / `aa verify-detached` accept every one of them;
2. Python verifies what `consentry aa sign` produces for the same key, payload and variant;
3. the two sides give byte-identical JWS text (RS256 is deterministic).

Usage: python aa_interop.py PATH/TO/consentry VECTORS_DIR
"""

import base64
import json
import os
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

CLI, VECTORS = sys.argv[1], sys.argv[2]
KID = "aa-one-key-1"
NOW = "1570000000"
# The spec example's terms, with CRLF line ends: the payload bytes are signed as they are.
DETAIL = (
    '{\r\n  "consentStart": "2019-05-28T11:38:20.380+0000",\r\n'
    '  "consentExpiry": "2020-05-28T11:38:20.381+0000",\r\n  "consentMode": "VIEW",\r\n'
    '  "fetchType": "ONETIME",\r\n  "consentTypes": ["PROFILE", "SUMMARY", "TRANSACTIONS"],\r\n'
    '  "fiTypes": ["DEPOSIT", "TERM-DEPOSIT"],\r\n'
    '  "DataConsumer": {"id": "cookiejar-aa@finvu.in", "type": "AA"},\r\n'
    '  "Customer": {"id": "demo@finvu"},\r\n'
    '  "Purpose": {"code": "101", "text": "Wealth management service", "Category": {"type": "string"}},\r\n'
    '  "DataLife": {"unit": "MONTH", "value": 4},\r\n  "Frequency": {"unit": "HOUR", "value": 4}\r\n}'
).encode()


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def header(mode):
    if mode == "false":
        return '{"alg":"RS256","kid":"%s","b64":false,"crit":["b64"]}' % KID
    if mode == "true":
        return '{"alg":"RS256","kid":"%s","b64":true,"crit":["b64"]}' % KID
    return '{"alg":"RS256","kid":"%s"}' % KID


def signing_input(h, payload, mode):
    return h.encode() + b"." + (payload if mode == "false" else b64u(payload).encode())


def run(*args):
    r = subprocess.run([CLI, *args], capture_output=True)
    return r.returncode, r.stdout.decode(), r.stderr.decode()


def must(*args):
    code, out, err = run(*args)
    if code != 0:
        raise SystemExit(f"FAIL: consentry {' '.join(args[:2])} exit {code}: {err}")
    return out


with open(os.path.join(VECTORS, "aa/test-keys/aa_one.pk8.pem"), "rb") as f:
    key = serialization.load_pem_private_key(f.read(), password=None)
public = key.public_key()

with tempfile.TemporaryDirectory() as d:
    payload_path = os.path.join(d, "detail.json")
    with open(payload_path, "wb") as f:
        f.write(DETAIL)
    os.chmod(payload_path, 0o600)
    key_path = os.path.join(d, "one.pem")
    with open(os.path.join(VECTORS, "aa/test-keys/aa_one.pk8.pem"), "rb") as src, open(key_path, "wb") as dst:
        dst.write(src.read())
    os.chmod(key_path, 0o600)
    trust_path = os.path.join(d, "registry.json")
    with open(os.path.join(VECTORS, "aa/test-keys/aa_one.jwk.json")) as f:
        jwk = json.load(f)
    with open(trust_path, "w") as f:
        json.dump([{"id": "aa-one", "certificate": jwk}], f)

    checked = 0
    for mode in ("false", "true", "absent"):
        h = b64u(header(mode).encode())
        sig = key.sign(signing_input(h, DETAIL, mode), padding.PKCS1v15(), hashes.SHA256())
        py_compact = f"{h}.{b64u(DETAIL)}.{b64u(sig)}"
        py_detached = f"{h}..{b64u(sig)}"

        # 1. consentry accepts Python's signatures.
        out = json.loads(must("aa", "verify", "--trust", trust_path, "--issuer", "aa-one", "--now", NOW, py_compact))
        assert out["b64"] == mode and out["issuer"] == "aa-one", out
        assert out["claims"]["claims"]["consent"]["purposes"][0]["purpose"] == "aa:101", out
        out = json.loads(must("aa", "verify-detached", "--trust", trust_path, "--signature", py_detached, "--body", payload_path))
        assert out["b64"] == mode and out["kid"] == KID, out
        # ...and refuses them over other bytes (the payload without its CRLF).
        lf_only = DETAIL.replace(b"\r\n", b"\n")
        tampered = f"{h}.{b64u(lf_only)}.{b64u(sig)}"
        code, _, err = run("aa", "verify", "--trust", trust_path, "--now", NOW, tampered)
        assert code == 1 and json.loads(err.strip().splitlines()[-1])["code"] == "signature_invalid", err

        # 2. Python verifies consentry's signatures; 3. byte-identical.
        flag = "omit" if mode == "absent" else mode
        ours = must("aa", "sign", "--key", key_path, "--kid", KID, "--payload", payload_path, "--b64", flag).strip()
        oh, op, os_ = ours.split(".")
        assert unb64u(op) == DETAIL, "the compact payload is base64url of the bytes as read"
        public.verify(unb64u(os_), signing_input(oh, DETAIL, mode), padding.PKCS1v15(), hashes.SHA256())
        assert ours == py_compact, f"compact b64 {mode}: consentry and Python differ"
        ours_d = must("aa", "sign", "--key", key_path, "--kid", KID, "--payload", payload_path, "--b64", flag, "--detached").strip()
        dh, empty, ds = ours_d.split(".")
        assert empty == ""
        public.verify(unb64u(ds), signing_input(dh, DETAIL, mode), padding.PKCS1v15(), hashes.SHA256())
        assert ours_d == py_detached, f"detached b64 {mode}: consentry and Python differ"
        checked += 1

print(f"aa interop: {checked} b64 variants, compact and detached, both directions, byte-identical")
