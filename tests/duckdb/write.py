"""Writes community_area.parquet with DuckDB (pip install duckdb) from community_areas.sql.

    python3 tests/duckdb/write.py [../shared/data]
"""
import pathlib
import sys

import duckdb

here = pathlib.Path(__file__).resolve().parent
shared = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else here / "../../../shared/data").resolve()
sql = (here / "community_areas.sql").read_text()
out = here / "community_area.parquet"
duckdb.sql(sql.replace("{shared}", str(shared)).replace("{out}", str(out)))
print(f"wrote {out} (duckdb {duckdb.__version__})")
