"""Side-by-side throughput of pseudonymising one column in PySpark local[2] (see
scripts/bench-spark): consentry.spark (mapInArrow, one native call per Arrow batch) against
(a) a per-value Python UDF calling the C ABI through ctypes, (b) an identity mapInArrow (Spark's
own Arrow transport floor), (c) the CLI on the same file; then Pseudonymiser.array on 1M values.

    python spark_bench.py CLI LIBCONSENTRY_SO ROWS REPEATS
"""

from __future__ import annotations

import csv
import ctypes as C
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

import pyarrow as pa

import consentry
import consentry.spark

CLI, LIB, ROWS, REPEATS = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
# The column: `name` (pseudonym, HMAC: the measurement, where the per-call cost shows)
# or `aadhaar` (ff1: FF1's AES rounds dominate every path alike). COLUMN=aadhaar to switch.
COLUMN = os.environ.get("COLUMN", "name")
RULES = {"name": {"type": "name", "transform": "pseudonym"}, "aadhaar": {"type": "aadhaar", "transform": "ff1"}}
POLICY = {"domain": "bench/spark", "unlisted": "keep", "fields": {COLUMN: RULES[COLUMN]}}

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from conftest import FIRST as FIRST_NAMES, LAST, aadhaar  # noqa: E402

work = tempfile.mkdtemp(prefix="consentry-bench-spark-")
key_hex = secrets.token_bytes(32).hex()
key_path = os.path.join(work, "master.key")
fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
with os.fdopen(fd, "w") as f:
    f.write(key_hex + "\n")
policy_path = os.path.join(work, "policy.json")
with open(policy_path, "w") as f:
    json.dump(POLICY, f)
src = os.path.join(work, "ids.csv")
rng = random.Random(1)
with open(src, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow([COLUMN])
    for i in range(ROWS):
        w.writerow([aadhaar(rng) if COLUMN == "aadhaar" else
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST)} {i}"])

results = {}


def best(fn):
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


# (c) the CLI on the same file
def cli_run():
    out = os.path.join(work, "cli-out.csv")
    for f in (out, out + ".kcv"):
        if os.path.exists(f):
            os.unlink(f)
    subprocess.run([CLI, "pseudonymise", "--policy", policy_path, "--key", key_path, "--in", src,
                    "--out", out], check=True, capture_output=True)


results["cli"] = ROWS / best(cli_run)

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql.functions import udf  # noqa: E402
from pyspark.sql.types import StringType  # noqa: E402

spark = (SparkSession.builder.master("local[2]").appName("consentry-bench")
         .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
         .config("spark.driver.memory", "2g").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
df = spark.read.csv(src, header=True).repartition(2).cache()
df.count()


def sink(d):
    d.write.format("noop").mode("overwrite").save()


_STATE = {}


def per_value(v):
    """(a) One ctypes call into libconsentry per value (built once per worker)."""
    st = _STATE.get("ps")
    if st is None:
        lib = C.CDLL(LIB)
        vp, sz = C.c_void_p, C.c_size_t
        lib.consentry_pseudonymiser_new.argtypes = [C.c_char_p, sz, C.c_char_p, sz, C.POINTER(vp), vp]
        lib.consentry_pseudonymiser_value.argtypes = [vp, C.c_char_p, sz, C.c_char_p, sz, C.c_bool, vp, sz,
                                                      C.POINTER(sz), C.POINTER(C.c_bool), vp]
        pol = json.dumps(POLICY).encode()
        key = bytes.fromhex(open(key_path).read().strip())
        ps = vp()
        assert lib.consentry_pseudonymiser_new(pol, len(pol), key, len(key), C.byref(ps), None) == 0
        st = _STATE["ps"] = (lib, ps, C.create_string_buffer(256), sz(0), C.c_bool(False))
    if v is None:
        return None
    lib, ps, buf, n, dropped = st
    b = v.encode()
    f = COLUMN.encode()
    rc = lib.consentry_pseudonymiser_value(ps, f, len(f), b, len(b), False, buf, 256, C.byref(n),
                                           C.byref(dropped), None)
    if rc != 0:
        raise ValueError(f"consentry code {rc}")
    return buf.raw[: n.value].decode()


ctypes_udf = udf(per_value, StringType())


def identity(batches):
    yield from batches


ref = consentry.KeyRef.file(key_path)
results["spark_arrow_consentry"] = ROWS / best(lambda: sink(consentry.spark.pseudonymise(df, POLICY, ref)))
results["spark_ctypes_udf"] = ROWS / best(lambda: sink(df.select(ctypes_udf(COLUMN).alias(COLUMN))))
results["spark_identity_arrow"] = ROWS / best(lambda: sink(df.mapInArrow(identity, df.schema)))
# The same output from the Arrow path and the per-value UDF.
a = consentry.spark.pseudonymise(df, POLICY, ref).toArrow().column(COLUMN).to_pylist()
b = df.select(ctypes_udf(COLUMN).alias(COLUMN)).toArrow().column(COLUMN).to_pylist()
assert sorted(a) == sorted(b), "the Arrow path and the ctypes UDF differ"
spark.stop()

# Outside Spark: Pseudonymiser.array on 1M values, the data of consentry-arrow's criterion bench
# (arrow/benches/array.rs: "First Ksurname" names, Aadhaar numbers from a counter).
from conftest import verhoeff_digit  # noqa: E402

FIRST = ["Asha", "Ravi", "Meena", "Karthik", "Lakshmi", "Arjun", "Priya", "Suresh", "Divya", "Vijay",
         "Anitha", "Ganesh", "Kavya", "Mohan", "Revathi", "Senthil"]


def surname(i):
    s = "K"
    while True:
        s += chr(ord("a") + i % 26)
        i //= 26
        if i == 0:
            return s


def counter_aadhaar(i):
    body = f"{2 + i % 8}{i:010d}"
    return body + verhoeff_digit(body)


bench_policy = {"domain": "tn.health/bench", "unlisted": "keep", "fields": {
    "name": {"type": "name", "transform": "pseudonym"}, "aadhaar": {"type": "aadhaar", "transform": "ff1"}}}
p = consentry.Pseudonymiser(bench_policy, consentry.MasterKey.from_hex(key_hex))
M = 1_000_000
names = pa.array([f"{FIRST[i % len(FIRST)]} {surname(i)}" for i in range(M)], pa.string())
ids = pa.array([counter_aadhaar(i) for i in range(M)], pa.string())
results["array_1m_pseudonym_values_per_s"] = M / best(lambda: p.array("name", names))
results["array_1m_ff1_values_per_s"] = M / best(lambda: p.array("aadhaar", ids))

shutil.rmtree(work, ignore_errors=True)
print(json.dumps({k: round(v) for k, v in results.items()}))
arrow, ct, ident = results["spark_arrow_consentry"], results["spark_ctypes_udf"], results["spark_identity_arrow"]
print(f"rows: {ROWS}, best of {REPEATS}, Spark local[2], one column ({COLUMN}, {RULES[COLUMN]['transform']})")
print(f"  consentry.spark (mapInArrow)   {arrow:>12,.0f} rows/s")
print(f"  (a) per-value ctypes UDF       {ct:>12,.0f} rows/s   arrow path = {arrow / ct:.1f}x (goal >= 3x)")
print(f"  (b) identity mapInArrow        {ident:>12,.0f} rows/s   arrow path = {100 * arrow / ident:.0f}% (goal >= 60%)")
print(f"  (c) consentry pseudonymise CLI {results['cli']:>12,.0f} rows/s")
for t in ("pseudonym", "ff1"):
    print(f"  Pseudonymiser.array, 1M {t:<9} {results[f'array_1m_{t}_values_per_s']:>12,.0f} values/s "
          "(compare: `native loop` of `cargo bench -p consentry-arrow --bench array`)")
