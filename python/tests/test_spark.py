"""consentry.spark on PySpark local[2]: a generated 100k-row CSV pseudonymised through
mapInArrow equals `consentry pseudonymise` on the same file, byte for byte; reversal restores the
input; partitioning and batch size change nothing; no key bytes in what Spark pickles or
broadcasts."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import subprocess

import pytest

pyspark = pytest.importorskip("pyspark")

import consentry  # noqa: E402
import consentry.spark  # noqa: E402
from conftest import HEADER, rows  # noqa: E402

N_ROWS = 100_000
local_dir = None  # spark.local.dir of the session (set by the fixture)


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

    global local_dir
    local = local_dir = tmp_path_factory.mktemp("spark-local")
    s = (
        SparkSession.builder.master("local[2]")
        .appName("consentry-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.local.dir", str(local))
        # Every pickled Python function broadcast, uncompressed, so that the test below reads
        # the broadcast blocks as they are.
        .config("spark.broadcast.UDFCompressionThreshold", "0")
        .config("spark.broadcast.compress", "false")
        # Several partitions for the 100k rows (about 7 MB of CSV).
        .config("spark.sql.files.maxPartitionBytes", str(1 << 20))
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def data(tmp_path_factory, cli, key_file, policy):
    """The input CSV, the policy file and the CLI's forward output (and its .kcv)."""
    d = tmp_path_factory.mktemp("data")
    src = d / "people.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows(N_ROWS))
    pol = d / "policy.json"
    pol.write_text(json.dumps(policy), encoding="utf-8")
    out = d / "cli.csv"
    run = subprocess.run([str(cli), "pseudonymise", "--policy", str(pol), "--key", str(key_file),
                          "--in", str(src), "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return {"dir": d, "src": src, "policy": pol, "cli": out}


def csv_bytes(header, body) -> bytes:
    """Rows written as the CLI writes CSV for this data (no cell needs quoting)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(body)
    return buf.getvalue().encode("utf-8")


def table_rows(table):
    """Rows of an Arrow table, a null (Spark's empty CSV cell) as the empty string."""
    cols = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [["" if v is None else v for v in r] for r in zip(*cols)]


def read(spark, path):
    return spark.read.csv(str(path), header=True)  # every column a string


def test_spark_pseudonymises_100k_rows_byte_for_byte_as_the_cli(spark, data, key_file, policy):
    df = read(spark, data["src"])
    assert df.rdd.getNumPartitions() > 1
    out = consentry.spark.pseudonymise(df, policy, consentry.KeyRef.file(key_file)).toArrow()
    assert out.num_rows == N_ROWS
    got = csv_bytes(out.column_names, table_rows(out))
    want = data["cli"].read_bytes()
    assert got == want
    # The transformed columns did change.
    first = table_rows(out)[0]
    src_first = next(rows(1))
    assert first[0] == src_first[0] and first[2] != src_first[2]


def test_reverse_through_spark_restores_the_input_and_equals_the_cli(spark, data, cli, key_file, policy):
    df = read(spark, data["cli"])
    ref = consentry.KeyRef.file(key_file)
    back = consentry.spark.pseudonymise(df, policy, ref, reverse=True).toArrow()
    got = table_rows(back)
    src = list(rows(N_ROWS))
    fwd = list(csv.reader(io.StringIO(data["cli"].read_text(encoding="utf-8"))))[1:]
    for i in (HEADER.index("aadhaar"), HEADER.index("mobile")):
        assert [r[i] for r in got] == [r[i] for r in src]
    for i in (HEADER.index("name"), HEADER.index("dob"), HEADER.index("visit")):
        assert [r[i] for r in got] == [r[i] for r in fwd]  # one-way: left as they are
    rev = data["dir"] / "cli-reverse.csv"
    run = subprocess.run([str(cli), "pseudonymise", "--policy", str(data["policy"]), "--key", str(key_file),
                          "--in", str(data["cli"]), "--out", str(rev), "--reverse"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert csv_bytes(back.column_names, got) == rev.read_bytes()


def test_pseudonyms_do_not_depend_on_partitioning_or_batch_size(spark, data, key_file, policy):
    ref = consentry.KeyRef.file(key_file)
    df = read(spark, data["src"]).limit(20_000)
    base = consentry.spark.pseudonymise(df, policy, ref).toArrow().sort_by("subject_id")
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "777")
    try:
        other = consentry.spark.pseudonymise(df.repartition(5), policy, ref).toArrow().sort_by("subject_id")
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    assert other.num_rows == base.num_rows == 20_000
    assert table_rows(other) == table_rows(base)


def key_forms(key: bytes):
    """The key's bytes and every text form one might write it in."""
    forms = [key, key.hex().encode(), key.hex().upper().encode()]
    for enc in (base64.b64encode, base64.urlsafe_b64encode):
        e = enc(key)
        forms += [e, e.rstrip(b"=")]
    return forms


def test_the_pickled_closure_and_the_broadcast_blocks_hold_no_key_bytes(spark, data, key_file, key_bytes,
                                                                         policy, monkeypatch):
    import pyspark.core.rdd as rdd

    pickled = []
    real = rdd._prepare_for_python_RDD

    def spy(sc, command):
        # What Spark pickles (and, over the threshold, broadcasts): the same serializer.
        from pyspark.serializers import CloudPickleSerializer

        pickled.append(CloudPickleSerializer().dumps(command))
        return real(sc, command)

    monkeypatch.setattr(rdd, "_prepare_for_python_RDD", spy)
    df = read(spark, data["src"]).limit(1000)
    out = consentry.spark.pseudonymise(df, policy, consentry.KeyRef.file(key_file))
    assert out.count() == 1000
    # What Spark pickled for the workers: the mapper, with its policy and key reference.
    assert pickled, "Spark pickled no Python function"
    blob = b"".join(bytes(p) for p in pickled)
    assert b"BatchMapper" in blob and str(key_file).encode() in blob
    for form in key_forms(key_bytes):
        assert form not in blob
    # The session broadcasts every pickled Python function (`UDFCompressionThreshold` 0): the
    # closure is then a broadcast block, a file under spark.local.dir, uncompressed. Read every
    # file there (broadcasts, block manager, shuffle).
    files = [f for f in local_dir.rglob("*") if f.is_file()]
    everything = b"".join(f.read_bytes() for f in files)
    assert b"BatchMapper" in everything, "the broadcast closure is not where the test looks"
    for form in key_forms(key_bytes):
        assert form not in everything


def test_a_master_key_is_refused_as_a_key_reference(spark, data, key_file, policy):
    df = read(spark, data["src"]).limit(10)
    with pytest.raises(consentry.ConsentryError) as e:
        consentry.spark.pseudonymise(df, policy, consentry.MasterKey.from_file(key_file))
    assert e.value.code == "request_invalid"


def test_an_invalid_value_fails_the_job_naming_row_and_column_never_the_value(spark, key_file, policy):
    bad = "2345 6789 0125"
    df = spark.createDataFrame([("S1", bad, "2026-01-01")], ["subject_id", "aadhaar", "visit"])
    out = consentry.spark.pseudonymise(df, policy, consentry.KeyRef.file(key_file))
    with pytest.raises(Exception) as e:
        out.collect()
    text = str(e.value)
    assert "pseudo_invalid_value" in text and "aadhaar" in text
    assert bad not in text and "23456789" not in text
    nulled = consentry.spark.pseudonymise(df, policy, consentry.KeyRef.file(key_file), on_error="null-field")
    assert nulled.collect()[0]["aadhaar"] is None


def test_the_key_is_resolved_on_the_executor_from_its_environment(spark, key_bytes, policy, monkeypatch):
    # local mode: the workers inherit the driver's environment at their start, so the variable
    # must exist before the session; here we check the failure mode of a variable the workers
    # do not have: the task fails with key_env_unset, naming the variable.
    df = spark.createDataFrame([("S1", "Arun Kumar")], ["subject_id", "name"])
    out = consentry.spark.pseudonymise(df, policy, consentry.KeyRef.env("CONSENTRY_NOWHERE_KEY"))
    assert "CONSENTRY_NOWHERE_KEY" not in os.environ
    with pytest.raises(Exception) as e:
        out.collect()
    assert "key_env_unset" in str(e.value) and "CONSENTRY_NOWHERE_KEY" in str(e.value)
