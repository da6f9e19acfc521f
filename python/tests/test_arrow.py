"""Columns and batches through the Arrow PyCapsule interface: pyarrow, Polars and DuckDB give
the same values as one value at a time; nulls stay null; types come back as they went in."""

from __future__ import annotations

import duckdb
import polars as pl
import pyarrow as pa
import pytest

import consentry
from conftest import HEADER, rows

NAMES = ["Arun Kumar", None, "Devi  Raman", "Priya Iyer", None, "", "Suresh Nair"]


@pytest.fixture(scope="module")
def p(key_bytes, policy):
    return consentry.Pseudonymiser(policy, consentry.MasterKey.from_bytes(key_bytes))


def one_by_one(p, field, values):
    return [None if v is None else ("" if v == "" else p.value(field, v)) for v in values]


@pytest.mark.parametrize("typ", [pa.string(), pa.large_string(), pa.string_view()])
def test_a_pyarrow_column_equals_value_by_value_with_nulls_kept_and_its_type(p, typ):
    col = pa.array(NAMES, typ)
    out = p.array("name", col)
    assert isinstance(out, pa.Array) and out.type == typ
    assert out.to_pylist() == one_by_one(p, "name", NAMES)
    assert out.null_count == 2


def test_binary_columns_come_back_binary(p):
    col = pa.array([b"Arun Kumar", None], pa.binary())
    out = p.array("name", col)
    assert out.type == pa.binary()
    assert out.to_pylist() == [p.value("name", "Arun Kumar").encode(), None]


def test_a_chunked_array_gives_one_array_of_the_same_values(p):
    col = pa.chunked_array([NAMES[:3], NAMES[3:]], pa.string())
    out = p.array("name", col)
    assert out.to_pylist() == one_by_one(p, "name", NAMES)


def test_polars_map_batches_gives_the_same_values(p):
    df = pl.DataFrame({"name": NAMES}, schema={"name": pl.String})
    out = df.select(pl.col("name").map_batches(lambda s: pl.Series(p.array("name", s)),
                                               return_dtype=pl.String))
    assert out["name"].to_list() == one_by_one(p, "name", NAMES)


def test_duckdb_arrow_udf_gives_the_same_values(p):
    con = duckdb.connect()
    con.create_function("pseudo_name", lambda x: p.array("name", x), [duckdb.sqltype("VARCHAR")],
                        duckdb.sqltype("VARCHAR"), type="arrow")
    tbl = pa.table({"i": list(range(len(NAMES))), "name": pa.array(NAMES, pa.string())})
    con.register("t", tbl)
    got = [r[0] for r in con.sql("select pseudo_name(name) from t order by i").fetchall()]
    assert got == one_by_one(p, "name", NAMES)


def test_the_same_column_through_pyarrow_polars_and_duckdb_is_identical(p):
    values = [r[2] or None for r in rows(2000, seed=3)]  # aadhaar, ff1, with nulls
    via_pa = p.array("aadhaar", pa.array(values, pa.string())).to_pylist()
    via_pl = pl.Series("aadhaar", values, dtype=pl.String).to_frame().select(
        pl.col("aadhaar").map_batches(lambda s: pl.Series(p.array("aadhaar", s)), return_dtype=pl.String)
    )["aadhaar"].to_list()
    con = duckdb.connect()
    con.create_function("ff1", lambda x: p.array("aadhaar", x), [duckdb.sqltype("VARCHAR")],
                        duckdb.sqltype("VARCHAR"), type="arrow")
    con.register("t", pa.table({"i": list(range(len(values))), "a": pa.array(values, pa.string())}))
    via_duck = [r[0] for r in con.sql("select ff1(a) from t order by i").fetchall()]
    assert via_pa == via_pl == via_duck
    assert via_pa == one_by_one(p, "aadhaar", values)
    assert [v is None for v in via_pa] == [v is None for v in values] and any(v is None for v in values)
    back = p.reverse_array("aadhaar", pa.array(via_pa, pa.string())).to_pylist()
    assert back == values


def test_a_batch_and_a_table_follow_the_policy_with_shift_and_reverse(p):
    data = list(rows(500, seed=5))
    table = pa.table({h: pa.array([r[i] for r in data], pa.string()) for i, h in enumerate(HEADER)})
    out_t = p.batch(table)
    assert isinstance(out_t, pa.Table) and out_t.column_names == HEADER
    out_b = p.batch(table.to_batches()[0])
    assert isinstance(out_b, pa.RecordBatch)
    assert out_b.to_pylist() == out_t.to_pylist()
    i = next(i for i, r in enumerate(data) if all(r))  # a row without empty cells
    assert out_t.to_pylist()[i] == p.record(dict(zip(HEADER, data[i])))
    back = p.reverse_batch(out_t)
    assert back.column("aadhaar").to_pylist() == table.column("aadhaar").to_pylist()
    assert back.column("mobile").to_pylist() == table.column("mobile").to_pylist()
    pl_out = p.batch(pl.from_arrow(table))  # a Polars DataFrame speaks __arrow_c_stream__
    assert pl_out.to_pylist() == out_t.to_pylist()


def test_on_error_fail_names_row_and_column_never_the_value_and_null_field_nulls(p):
    bad = "2345 6789 0125"
    table = pa.table({"subject_id": ["S1", "S2"], "aadhaar": ["234567890124", bad]})
    with pytest.raises(consentry.ConsentryError) as e:
        p.batch(table)
    msg = str(e.value)
    assert e.value.code == "pseudo_invalid_value"
    assert "aadhaar" in msg and "1" in msg and bad not in msg and "0125" not in msg
    out = p.batch(table, on_error="null-field")
    assert out.column("aadhaar").to_pylist()[1] is None
    assert p.batch(table, on_error="skip-row").num_rows == 1
    with pytest.raises(consentry.ConsentryError) as e:
        p.array("aadhaar", pa.array(["234567890124", bad]))
    assert e.value.code == "pseudo_invalid_value" and bad not in str(e.value)


def test_objects_without_the_arrow_interface_are_refused_with_their_code(p):
    with pytest.raises(consentry.ConsentryError) as e:
        p.array("name", ["Arun Kumar"])
    assert e.value.code == "arrow_interface_missing"
    with pytest.raises(consentry.ConsentryError) as e:
        p.batch(pa.array(["x"]))
    assert e.value.code == "arrow_import_failed"


def test_native_results_speak_the_capsule_interface_themselves(p):
    out = p.array("name", pa.array(NAMES))
    again = pa.array(out)  # a pyarrow array re-exported through __arrow_c_array__
    assert again.equals(out)
    s = pl.Series(out)
    assert s.to_list() == out.to_pylist()


def test_the_gil_is_released_while_a_column_is_transformed(p):
    import threading

    col = pa.array([f"Asha K{i}" for i in range(2_000_000)], pa.string())
    started, done = threading.Event(), threading.Event()
    out = {}

    def work():
        started.set()
        out["col"] = p.array("name", col)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    started.wait()
    spins = 0
    while not done.is_set():  # runs only while the worker is not holding the GIL
        spins += 1
    t.join()
    assert len(out["col"]) == 2_000_000
    # Holding the GIL for the whole native call would leave this thread one switch interval
    # (5 ms, some 50k turns of this loop) at most, before the worker enters the native call and
    # never reaches a bytecode boundary to hand the GIL back; released, it spins all along
    # (about 20M turns here). The bound is 20 switch intervals' worth.
    assert spins > 1_000_000
