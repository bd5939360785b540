"""Parses SQL statements under sqlglot's Oracle grammar (PyPI), as far as a parser can check
Oracle SQL without an Oracle server.

stdin: JSON [{"name": ..., "sql": ...}]; stdout: JSON [{"name", "ok", "error"?, "rewrites"?}].
A statement sqlglot only keeps as an opaque Command (syntax it does not model) is not
checked, so it fails here. One known gap of the grammar is bridged, and reported per
statement: sqlglot refuses a bind variable as the row count of FETCH FIRST, which Oracle
12c+ takes (the test proves the gap is still there, so the bridge goes when it closes).
"""

import json
import re
import sys

import sqlglot
from sqlglot import exp

FETCH_BIND = re.compile(r"FETCH\s+(FIRST|NEXT)\s+:\w+\s+(ROWS?)\s+ONLY", re.IGNORECASE)


def check(name: str, sql: str, bridge: bool = True) -> dict:
    rewrites = []
    text, n = FETCH_BIND.subn(lambda m: f"FETCH {m.group(1)} 1 {m.group(2)} ONLY", sql) if bridge else (sql, 0)
    if n:
        rewrites.append(f"FETCH FIRST :bind -> FETCH FIRST 1 ({n}x)")
    try:
        trees = sqlglot.parse(text, read="oracle", error_level=sqlglot.ErrorLevel.RAISE)
    except sqlglot.errors.SqlglotError as err:
        return {"name": name, "ok": False, "error": str(err).splitlines()[0], "rewrites": rewrites}
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        return {"name": name, "ok": False, "error": f"{len(trees)} statements, expected one", "rewrites": rewrites}
    if isinstance(trees[0], exp.Command):
        return {"name": name, "ok": False, "error": "not modelled by the grammar (parsed as an opaque command)", "rewrites": rewrites}
    return {"name": name, "ok": True, "rewrites": rewrites}


def main() -> None:
    # sqlglot warns on stderr where it falls back to a Command: the result says so already.
    import logging

    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    statements = json.load(sys.stdin)
    json.dump([check(s["name"], s["sql"], s.get("bridge", True)) for s in statements], sys.stdout)


if __name__ == "__main__":
    main()
