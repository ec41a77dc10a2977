"""Writing a world: Parquet with fixed writer options (byte-identical across runs), JSONL, a manifest."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from fanzha.errors import InputError
from fanzha.records.schema import FILES

WRITER_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "write_page_index": False,
    "store_schema": True,
}


class Writers:
    """One ParquetWriter per file of the schema, opened on first use; `out=None` writes nothing."""

    def __init__(self, out: Path | None, row_group: int) -> None:
        self.out = out
        self.row_group = row_group
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = dict.fromkeys(FILES, 0)
        if out is not None:
            try:
                (out / "truth").mkdir(parents=True, exist_ok=True)
                (out / "investigation").mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError("E422", where=str(out), reason=exc.strerror) from None

    def write(self, name: str, table: pa.Table) -> None:
        self.rows[name] += table.num_rows
        if self.out is None:
            return
        schema = FILES[name]
        if not table.schema.equals(schema):
            table = table.cast(schema)
        w = self.writers.get(name)
        if w is None:
            w = self.writers[name] = pq.ParquetWriter(str(self.out / name), schema, **WRITER_OPTIONS)
        if table.num_rows:
            w.write_table(table, row_group_size=self.row_group)

    def close(self) -> None:
        if self.out is None:
            return
        for name, schema in FILES.items():
            if name not in self.writers:  # an empty file still carries its schema
                self.writers[name] = pq.ParquetWriter(str(self.out / name), schema, **WRITER_OPTIONS)
        for w in self.writers.values():
            w.close()
        self.writers.clear()

    def write_json(self, name: str, obj: Any) -> None:
        if self.out is not None:
            (self.out / name).write_bytes(
                orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
            )

    def write_csv(self, name: str, header: list[str], rows: list[list[str]]) -> None:
        if self.out is not None:
            with open(self.out / name, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(header)
                writer.writerows(rows)

    def write_jsonl(self, name: str, rows: list[dict[str, Any]]) -> None:
        if self.out is not None:
            with open(self.out / name, "wb") as fh:
                for row in rows:
                    fh.write(orjson.dumps(row, option=orjson.OPT_SORT_KEYS) + b"\n")
