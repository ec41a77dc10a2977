"""`check_world` finds every kind of broken world, with file:row and a code."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from fanzha.records.arrow import decimal_to_fen, fen_to_decimal
from fanzha.sim.generate import SimResult
from fanzha.sim.validate import check_world


@pytest.fixture
def world(small_world: tuple[Path, SimResult], tmp_path: Path) -> Path:
    dst = tmp_path / "w"
    shutil.copytree(small_world[0], dst)
    return dst


def _rewrite(path: Path, table: pa.Table) -> None:
    pq.write_table(table.cast(pq.read_schema(path)), path)


def _codes(root: Path) -> set[str]:
    return {v.code for v in check_world(root)}


def test_missing_file_and_wrong_schema(world: Path) -> None:
    (world / "truth" / "mules.parquet").unlink()
    tr = pq.read_table(world / "orders.parquet").drop_columns(["courier"])
    pq.write_table(tr, world / "orders.parquet")
    found = check_world(world)
    assert any(v.file == "truth/mules.parquet" and v.code == "E400" for v in found)
    assert any(
        v.file == "orders.parquet" and v.code == "E401" and v.params["column"] == "courier" for v in found
    )
    missing = next(v for v in found if v.code == "E401")
    assert missing.render("en") == "orders.parquet:0: E401 column 'courier' is missing"
    assert str(missing) == "orders.parquet:0: E401 缺少列 'courier'"


def test_money_created_is_found(world: Path) -> None:
    path = world / "transfers.parquet"
    tr = pq.read_table(path)
    amount = decimal_to_fen(tr["amount"])
    # the first outgoing transfer of an ordinary card becomes larger than everything it holds
    i = int(np.flatnonzero(pc.equal(tr["channel"], "pos").to_numpy(zero_copy_only=False))[0])
    amount[i] = 10**12
    _rewrite(path, tr.set_column(tr.schema.get_field_index("amount"), "amount", fen_to_decimal(amount)))
    found = check_world(world)
    assert any(v.code == "E406" and v.row == i + 1 for v in found)
    assert any(v.code == "E407" for v in found)
    text = str(next(v for v in found if v.code == "E406"))
    assert text.startswith(f"transfers.parquet:{i + 1}: E406 ")


def test_order_unknown_accounts_and_bad_amounts(world: Path) -> None:
    path = world / "transfers.parquet"
    tr = pq.read_table(path)
    t = tr["time"].to_pylist()
    t[5], t[6] = t[6], t[5]
    src = tr["src"].to_pylist()
    src[10] = "A9999999999"
    amount = decimal_to_fen(tr["amount"])
    amount[20] = 0
    tr = tr.set_column(tr.schema.get_field_index("time"), "time", pa.array(t, tr.schema.field("time").type))
    tr = tr.set_column(tr.schema.get_field_index("src"), "src", pa.array(src, pa.string()))
    tr = tr.set_column(tr.schema.get_field_index("amount"), "amount", fen_to_decimal(amount))
    _rewrite(path, tr)
    found = {(v.code, v.row) for v in check_world(world)}
    assert ("E404", 7) in found or ("E404", 6) in found
    assert ("E403", 11) in found
    assert ("E405", 21) in found


def test_lineage_that_does_not_add_up(world: Path) -> None:
    path = world / "truth" / "lineage.parquet"
    lin = pq.read_table(path)
    amount = decimal_to_fen(lin["amount"])
    amount[0] += 10**9
    _rewrite(path, lin.set_column(2, "amount", fen_to_decimal(amount)))
    assert {"E408", "E409"} <= _codes(world)


def test_victims_truth_is_checked(world: Path) -> None:
    path = world / "truth" / "victims.parquet"
    vic = pq.read_table(path)
    variants = vic["variant"].to_pylist()
    variants[0] = "pig_butchering"
    _rewrite(path, vic.set_column(1, "variant", pa.array(variants, pa.string())))
    found = check_world(world)
    assert any(v.code == "E410" and v.file == "truth/victims.parquet" and v.row == 1 for v in found)


def test_events_pointing_nowhere(world: Path) -> None:
    path = world / "events.parquet"
    ev = pq.read_table(path)
    kinds = ev["kind"].to_pylist()
    kinds[3] = "telepathy"
    persons = ev["person_id"].to_pylist()
    persons[4] = "P99999999"
    ev = ev.set_column(3, "kind", pa.array(kinds, pa.string())).set_column(
        1, "person_id", pa.array(persons, pa.string())
    )
    _rewrite(path, ev)
    found = {(v.code, v.row) for v in check_world(world)}
    assert ("E410", 4) in found and ("E403", 5) in found
