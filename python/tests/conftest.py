"""Shared fixtures: the repository root, the release CLI, a master key file, generated data."""

from __future__ import annotations

import os
import pathlib
import random
import secrets
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "python"))  # corpus_intent


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    """The release CLI (scripts/test-python builds it when missing)."""
    path = pathlib.Path(os.environ.get("CONSENTRY_CLI", ROOT / "target" / "release" / "consentry"))
    if not path.exists():
        pytest.fail(f"the release CLI is missing: {path} (cargo build --release -p consentry-cli)")
    return path


@pytest.fixture(scope="session")
def key_bytes() -> bytes:
    """A fresh random master key for this test session."""
    return secrets.token_bytes(32)


@pytest.fixture(scope="session")
def key_file(tmp_path_factory, key_bytes) -> pathlib.Path:
    """The master key in a 0600 file, as `consentry key master` writes it."""
    d = tmp_path_factory.mktemp("key")
    path = d / "master.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key_bytes.hex() + "\n")
    return path


POLICY = {
    "domain": "tn.health/research-2026",
    "unlisted": "keep",
    "fields": {
        "aadhaar": {"type": "aadhaar", "transform": "ff1"},
        "name": {"type": "name", "transform": "pseudonym"},
        "mobile": {"type": "mobile", "transform": "token"},
        "dob": {"type": "date", "transform": "generalise", "params": {"to": "year"}},
        "visit": {"type": "date", "transform": "shift", "params": {"max_days": 30, "subject": "subject_id"}},
    },
}


@pytest.fixture(scope="session")
def policy() -> dict:
    return POLICY


# --- data ------------------------------------------------------------------------------------
_D = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
      [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
      [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
      [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_P = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
      [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
      [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_digit(digits: str) -> str:
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[(i + 1) % 8][int(ch)]]
    return str(_INV[c])


def aadhaar(rng: random.Random) -> str:
    body = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
    return body + verhoeff_digit(body)


FIRST = ["Arun", "Devi", "Priya", "Karthik", "Lakshmi", "Suresh", "Meena", "Ravi", "Anitha", "Vijay"]
LAST = ["Kumar", "Raman", "Srinivasan", "Iyer", "Pillai", "Nair", "Reddy", "Das", "Singh", "Rao"]


def rows(n: int, seed: int = 17):
    """`n` rows of (subject_id, name, aadhaar, mobile, dob, visit, ward), canonical forms (so
    that reversal gives them back), about 2% of the optional cells empty."""
    rng = random.Random(seed)
    for i in range(n):
        def maybe(v):
            return "" if rng.random() < 0.02 else v
        yield [
            f"S{i:07d}",
            maybe(f"{rng.choice(FIRST)} {rng.choice(LAST)}"),
            maybe(aadhaar(rng)),
            maybe("+91" + str(rng.randint(6, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(9))),
            maybe(f"{rng.randint(1940, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"),
            maybe(f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"),
            str(rng.randint(1, 200)),
        ]


HEADER = ["subject_id", "name", "aadhaar", "mobile", "dob", "visit", "ward"]
