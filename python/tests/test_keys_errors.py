"""Keys never travel as values; errors carry stable codes and never a value or a key."""

from __future__ import annotations

import copy
import os
import pickle

import pytest

import consentry


def test_a_key_reference_pickles_as_its_location_and_resolves_in_the_process(key_file, key_bytes, policy):
    ref = consentry.KeyRef.file(key_file)
    blob = pickle.dumps(ref)
    assert key_bytes not in blob and key_bytes.hex().encode() not in blob
    back = pickle.loads(blob)
    assert back == ref
    a = consentry.Pseudonymiser(policy, back)
    b = consentry.Pseudonymiser(policy, consentry.MasterKey.from_hex(key_bytes.hex()))
    assert a.value("name", "Arun Kumar") == b.value("name", "Arun Kumar")


def test_a_master_key_refuses_pickling_and_copying_with_its_code(key_file):
    k = consentry.MasterKey.from_file(key_file)
    for attempt in (lambda: pickle.dumps(k), lambda: copy.copy(k), lambda: copy.deepcopy(k)):
        with pytest.raises(consentry.ConsentryError) as e:
            attempt()
        assert e.value.code == "master_key_not_picklable"
    assert repr(k) == "MasterKey(..)"


def test_a_key_from_the_environment_and_an_unset_variable(monkeypatch, key_bytes, policy):
    monkeypatch.setenv("CONSENTRY_TEST_KEY", key_bytes.hex())
    consentry.Pseudonymiser(policy, consentry.KeyRef.env("CONSENTRY_TEST_KEY"))
    monkeypatch.delenv("CONSENTRY_TEST_KEY")
    with pytest.raises(consentry.ConsentryError) as e:
        consentry.KeyRef.env("CONSENTRY_TEST_KEY").resolve()
    assert e.value.code == "key_env_unset"
    assert "CONSENTRY_TEST_KEY" in e.value.message


def test_key_files_missing_a_directory_or_not_hex_are_refused_without_their_content(tmp_path):
    with pytest.raises(consentry.ConsentryError) as e:
        consentry.MasterKey.from_file(tmp_path / "missing.key")
    assert e.value.code == "key_file_unreadable"
    with pytest.raises(consentry.ConsentryError) as e:
        consentry.MasterKey.from_file(tmp_path)
    assert e.value.code == "key_file_unreadable"
    # A FIFO planted where the key should be is refused at once (opening it would block).
    fifo = tmp_path / "planted.key"
    os.mkfifo(fifo)
    with pytest.raises(consentry.ConsentryError) as e:
        consentry.MasterKey.from_file(fifo)
    assert e.value.code == "key_file_unreadable"
    secret = "zz-this-is-not-hex-but-secret-" + "q" * 34
    bad = tmp_path / "bad.key"
    bad.write_text(secret)
    with pytest.raises(consentry.ConsentryError) as e:
        consentry.MasterKey.from_file(bad)
    assert e.value.code == "pseudo_invalid_key"
    assert secret not in str(e.value) and "secret" not in repr(e.value.args)


def test_an_invalid_value_fails_with_its_code_and_never_the_value(key_bytes, policy):
    p = consentry.Pseudonymiser(policy, consentry.MasterKey.from_bytes(key_bytes))
    with pytest.raises(consentry.ConsentryError) as e:
        p.value("aadhaar", "2345 6789 0125")  # a wrong check digit
    assert e.value.code == "pseudo_invalid_value" and e.value.numeric_code == 5000
    assert "2345" not in str(e.value) and "0125" not in str(e.value)
    with pytest.raises(consentry.ConsentryError) as e:
        consentry.Pseudonymiser(policy, consentry.MasterKey.from_bytes(bytes(32)))
    assert e.value.code == "master_key_weak"


def test_errors_pickle_with_their_code_as_spark_sends_them_back():
    e = consentry.ConsentryError("`aadhaar`: row 3", "pseudo_invalid_value", 5000)
    back = pickle.loads(pickle.dumps(e))
    assert (back.code, back.numeric_code, back.message) == ("pseudo_invalid_value", 5000, "`aadhaar`: row 3")


def test_every_code_of_the_core_is_listed_with_its_number():
    codes = dict(consentry.codes())
    assert codes["audience_mismatch"] == 1503
    assert codes["key_env_unset"] == 6000 and codes["master_key_not_picklable"] == 6004


def test_values_records_and_their_reversal(key_bytes, policy):
    p = consentry.Pseudonymiser(policy, consentry.MasterKey.from_bytes(key_bytes))
    rec = {"subject_id": "S1", "name": "Arun  Kumar", "aadhaar": "234567890124",
           "mobile": "+919876543210", "dob": "1988-04-02", "visit": "2026-05-10"}
    out = p.record(rec)
    assert out["dob"] == "1988" and out["name"] == p.value("name", "Arun Kumar")
    assert out["mobile"].startswith("t1.") and out["aadhaar"] != rec["aadhaar"]
    back = p.reverse_record(out)
    assert back["aadhaar"] == "234567890124" and back["mobile"] == "+919876543210"
    assert p.reverse_value("mobile", out["mobile"]) == "+919876543210"
    assert p.record({**rec, "aadhaar": "bad"}, on_error="skip-row") is None
    assert p.record({**rec, "aadhaar": "bad"}, on_error="null-field")["aadhaar"] is None
    kc = p.key_check
    assert kc["domain"] == policy["domain"]
    p.check_key(kc)


def test_the_native_module_starts_no_thread(key_bytes, policy):
    import pyarrow as pa

    col = pa.array(["Arun Kumar"] * 50_000 + [None])
    tasks = lambda: len(os.listdir("/proc/self/task"))  # noqa: E731
    before = tasks()
    p = consentry.Pseudonymiser(policy, consentry.MasterKey.from_bytes(key_bytes))
    p.array("name", col)
    p.batch(pa.table({"subject_id": ["S1"], "visit": ["2026-01-01"]}))
    assert tasks() == before


def test_issue_verify_decide_and_status_round_trip():
    key = consentry.SigningKey.generate()
    jwk = key.public_jwk()
    claims = {"iss": "cm", "sub": "pp-1", "aud": "tn.health", "exp": 1_900_000_000,
              "consent": {"v": 1, "basis": "consent",
                          "notice": {"id": "n", "sha256": "A" * 43, "lang": "en"},
                          "purposes": [{"purpose": "aa:101", "fields": ["/name"], "mode": "view"}]}}
    out = consentry.issue(claims, key, now=1_800_000_000)
    v = consentry.Verifier(consentry.TrustStore.from_jwk(jwk))
    got = v.verify(out["artefact"], "tn.health", now=1_800_000_001)
    assert got["verified"] is True and got["claims"]["sub"] == "pp-1"
    with pytest.raises(consentry.ConsentryError) as e:
        v.verify(out["artefact"], "tn.other", now=1_800_000_001)
    assert e.value.code == "audience_mismatch"
    assert consentry.inspect(out["artefact"])["verified"] is False


def test_a_trust_store_from_a_cose_key_verifies_the_same_artefact():
    import base64

    key = consentry.SigningKey.generate()
    x = key.public_jwk()["x"]
    raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
    # {1: 1 (kty OKP), -1: 6 (crv Ed25519), -2: x}, deterministic CBOR.
    cose_key = bytes([0xA3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20]) + raw
    claims = {"iss": "cm", "sub": "pp-2", "aud": "tn.health", "exp": 1_900_000_000,
              "consent": {"v": 1, "basis": "consent",
                          "notice": {"id": "n", "sha256": "A" * 43, "lang": "en"},
                          "purposes": [{"purpose": "aa:101", "fields": ["/name"], "mode": "view"}]}}
    art = key.issue(claims, now=1_800_000_000)["artefact"]
    for store in (consentry.TrustStore.from_cose_key(cose_key), consentry.TrustStore.from_jwks({"keys": [key.public_jwk()]})):
        assert consentry.Verifier(store).verify(art, "tn.health", now=1_800_000_001)["claims"]["sub"] == "pp-2"
    s = consentry.TrustStore()
    s.add_keys(cose_key)
    assert len(s) >= 1
    with pytest.raises(consentry.ConsentryError) as e:
        consentry.TrustStore.from_cose_key(cose_key[:-1])
    assert e.value.code == "key_invalid"
