"""DuckDB DDL and Markdown docs generated from the Arrow declarations in ``schemas.tables``."""

from __future__ import annotations

import pyarrow as pa

from schemas.tables import TABLES, Table


def duckdb_type(t: pa.DataType) -> str:
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "VARCHAR"
    if pa.types.is_int32(t):
        return "INTEGER"
    if pa.types.is_int64(t):
        return "BIGINT"
    if pa.types.is_float32(t):
        return "FLOAT"
    if pa.types.is_float64(t):
        return "DOUBLE"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_date32(t):
        return "DATE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    if pa.types.is_list(t):
        return f"{duckdb_type(t.value_type)}[]"
    if pa.types.is_struct(t):
        inner = ", ".join(f'"{f.name}" {duckdb_type(f.type)}' for f in t)
        return f"STRUCT({inner})"
    if pa.types.is_map(t):
        return f"MAP({duckdb_type(t.key_type)}, {duckdb_type(t.item_type)})"
    raise TypeError(f"no DuckDB type for {t}")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table(table: Table, name: str | None = None) -> str:
    cols = []
    for f in table.schema:
        null = "" if f.nullable else " NOT NULL"
        cols.append(f"    {_quote(f.name)} {duckdb_type(f.type)}{null}")
    if table.key:
        cols.append(f"    PRIMARY KEY ({', '.join(_quote(k) for k in table.key)})")
    body = ",\n".join(cols)
    return f"CREATE TABLE IF NOT EXISTS {_quote(name or table.name)} (\n{body}\n);"


def comments(table: Table) -> list[str]:
    def lit(s: str) -> str:
        return "'" + s.replace("'", "''") + "'"

    out = [f"COMMENT ON TABLE {_quote(table.name)} IS {lit(table.description)};"]
    for f in table.schema:
        desc = (f.metadata or {}).get(b"description", b"").decode()
        out.append(f"COMMENT ON COLUMN {_quote(table.name)}.{_quote(f.name)} IS {lit(desc)};")
    return out


def markdown() -> str:
    """The schema reference, as committed in docs/schema.md."""
    lines = [
        "# Warehouse schema",
        "",
        "Generated from `schemas/tables.py` by `python -m schemas.ddl`; do not edit by hand.",
        "",
    ]
    for t in TABLES:
        lines += [f"## `{t.name}`", "", t.description, "", f"Key: `{', '.join(t.key)}`", ""]
        accepted = dict(t.accepted)
        lines += ["| column | type | null | description |", "|---|---|---|---|"]
        for f in t.schema:
            desc = (f.metadata or {}).get(b"description", b"").decode()
            if f.name in accepted:
                desc += " One of: " + ", ".join(f"`{v}`" for v in accepted[f.name]) + "."
            null = "yes" if f.nullable else "no"
            lines.append(f"| `{f.name}` | {duckdb_type(f.type)} | {null} | {desc} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
