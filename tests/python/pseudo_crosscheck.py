#!/usr/bin/env python3
"""Independent re-computation of consentry's keyed transforms with Python `cryptography`.

Runs `cargo run --quiet -p consentry --example pseudo_crosscheck` (or reads JSON lines from
the file given as the only argument) and, for every line, recomputes from the fixed master key:

- the per-domain keys: HKDF-SHA256(salt = "consentry/v1/" + kind, ikm = master, info = domain);
- the canonical value (independent normalisation for aadhaar, mobile, pan, name, email);
- pseudonym: base32 lower-case, unpadded, of HMAC-SHA256(key, canonical)[:16];
- token: "t1." + base64url-unpadded(AES-SIV(key64, canonical, [domain])), and its decryption;
- ff1: FF1 (SP 800-38G, AES-256, tweak = domain) written here from the spec, with the Aadhaar
  failing check digit (Verhoeff digit + 1 mod 10) and the mobile "+91" prefix;
- shift: offset = BE64(HMAC-SHA256(shift key, canonical subject)[:8]) mod (2N+1) - N, and the
  shifted date.

Exit status 0 when every line matches. Usage (from the repository root, in the venv that
./scripts/test makes):
    .venv/bin/python tests/python/pseudo_crosscheck.py [lines.jsonl]
"""
import base64
import datetime
import hashlib
import hmac
import json
import pathlib
import subprocess
import sys
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MASTER = bytes(range(32))
KEY_LEN = {"pseudonym": 32, "token": 64, "ff1": 32, "shift": 32}


def derive(kind, domain):
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_LEN[kind],
        salt=b"consentry/v1/" + kind.encode(),
        info=domain.encode(),
    ).derive(MASTER)


# --- Verhoeff -------------------------------------------------------------------------------
D = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
     [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
     [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
     [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
P = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
     [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
     [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_digit(s):
    c = 0
    for i, ch in enumerate(reversed(s)):
        c = D[c][P[(i + 1) % 8][int(ch)]]
    return INV[c]


def verhoeff_valid(s):
    c = 0
    for i, ch in enumerate(reversed(s)):
        c = D[c][P[i % 8][int(ch)]]
    return c == 0


# --- FF1 (NIST SP 800-38G, Algorithm 7) ------------------------------------------------------
ALPHA = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def ff1_encrypt(key, tweak, radix, text):
    x = [ALPHA.index(c) for c in text]
    assert all(v < radix for v in x)
    n, t = len(x), len(tweak)
    u, v = n // 2, n - n // 2
    a, b_ = x[:u], x[u:]
    b = ((radix ** v - 1).bit_length() + 7) // 8
    d = 4 * ((b + 3) // 4) + 4
    p = bytes([1, 2, 1]) + radix.to_bytes(3, "big") + bytes([10, u % 256]) + n.to_bytes(4, "big") + t.to_bytes(4, "big")
    ecb = Cipher(algorithms.AES(key), modes.ECB())

    def num(xs):
        r = 0
        for digit in xs:
            r = r * radix + digit
        return r

    def prf(data):
        enc = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
        return (enc.update(data) + enc.finalize())[-16:]

    for i in range(10):
        q = tweak + bytes((-t - b - 1) % 16) + bytes([i]) + num(b_).to_bytes(b, "big")
        r = prf(p + q)
        s = r
        j = 1
        while len(s) < d:
            blk = bytes(x ^ y for x, y in zip(r, j.to_bytes(16, "big")))
            e = ecb.encryptor()
            s += e.update(blk) + e.finalize()
            j += 1
        y = int.from_bytes(s[:d], "big")
        m = u if i % 2 == 0 else v
        c = (num(a) + y) % (radix ** m)
        cs = []
        for _ in range(m):
            cs.append(c % radix)
            c //= radix
        a, b_ = b_, cs[::-1]
    return "".join(ALPHA[v] for v in a + b_)


# --- canonical forms ---------------------------------------------------------------------------
def canonical(ty, s):
    s = s.strip()
    if ty == "aadhaar":
        return s.replace(" ", "").replace("-", "")
    if ty == "mobile":
        d = s.replace(" ", "").replace("-", "")
        assert d.startswith("+91") and len(d) == 13
        return d
    if ty == "pan":
        return s.upper()
    if ty == "name":
        return " ".join(unicodedata.normalize("NFC", s).split())
    if ty == "email":
        return s.lower()
    raise ValueError(ty)


def b32(b):
    return base64.b32encode(b).decode().rstrip("=").lower()


def check(line, keys_cache):
    dom, ty = line["domain"], line["type"]
    if dom not in keys_cache:
        keys_cache[dom] = {k: derive(k, dom) for k in KEY_LEN}
    k = keys_cache[dom]
    errs = []
    canon = canonical(ty, line["input"])
    if canon != line["canonical"]:
        errs.append("canonical")
    cb = canon.encode()
    if b32(hmac.new(k["pseudonym"], cb, hashlib.sha256).digest()[:16]) != line["pseudonym"]:
        errs.append("pseudonym")
    siv = AESSIV(k["token"])
    tok = "t1." + base64.urlsafe_b64encode(siv.encrypt(cb, [dom.encode()])).decode().rstrip("=")
    if tok != line["token"]:
        errs.append("token")
    raw = line["token"][3:]
    if siv.decrypt(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), [dom.encode()]) != cb:
        errs.append("token-decrypt")
    tweak = dom.encode()
    want_ff1 = None
    if ty == "aadhaar":
        body = ff1_encrypt(k["ff1"], tweak, 10, canon[:11])
        want_ff1 = body + str((verhoeff_digit(body) + 1) % 10)
        if verhoeff_valid(want_ff1):
            errs.append("ff1-verhoeff")
    elif ty == "mobile":
        want_ff1 = "+91" + ff1_encrypt(k["ff1"], tweak, 10, canon[3:])
    elif ty == "pan":
        want_ff1 = ff1_encrypt(k["ff1"], tweak, 36, canon)
    if want_ff1 != line.get("ff1"):
        errs.append("ff1")
    if "shift" in line:
        sh = line["shift"]
        n = sh["max_days"]
        x = int.from_bytes(hmac.new(k["shift"], cb, hashlib.sha256).digest()[:8], "big")
        off = x % (2 * n + 1) - n
        if off != sh["offset"]:
            errs.append("shift-offset")
        shifted = datetime.date.fromisoformat(sh["date"]) + datetime.timedelta(days=off)
        if shifted.isoformat() != sh["shifted"]:
            errs.append("shift-date")
    return errs


def self_test():
    """The FF1 above must reproduce the NIST AES-256 samples before it is trusted."""
    k = bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94")
    assert ff1_encrypt(k, b"", 10, "0123456789") == "6657667009"
    assert ff1_encrypt(k, bytes.fromhex("39383736353433323130"), 10, "0123456789") == "1001623463"
    assert ff1_encrypt(k, bytes.fromhex("3737373770717273373737"), 36,
                       "0123456789ABCDEFGHI") == "XS8A0AZH2AVYALYZUWD"
    assert verhoeff_digit("236") == 3 and verhoeff_valid("2363")


def main():
    self_test()
    if len(sys.argv) > 1:
        text = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
    else:
        crate = pathlib.Path(__file__).resolve().parents[2]
        text = subprocess.run(
            ["cargo", "run", "--quiet", "-p", "consentry", "--example", "pseudo_crosscheck"],
            cwd=crate, check=True, capture_output=True, text=True,
        ).stdout
    lines = [json.loads(l) for l in text.splitlines() if l.strip()]
    if len(lines) < 300:
        print(f"too few lines: {len(lines)}", file=sys.stderr)
        return 1
    cache, bad = {}, 0
    counts = {"pseudonym": 0, "token": 0, "ff1": 0, "shift": 0}
    for line in lines:
        errs = check(line, cache)
        counts["pseudonym"] += 1
        counts["token"] += 1
        counts["ff1"] += line.get("ff1") is not None
        counts["shift"] += "shift" in line
        if errs:
            bad += 1
            if bad <= 10:
                print(f"MISMATCH {errs}: {line['domain']!r} {line['type']}", file=sys.stderr)
    print(f"{len(lines)} lines, {len(cache)} domains, checked {counts}; mismatches: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
