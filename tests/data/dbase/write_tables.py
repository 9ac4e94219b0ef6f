"""Writes dBase tables with the `dbf` package (PyPI, Ethan Furman) for
tests/dbase_generated.rs: one per kind that package writes (dBase III,
Clipper, FoxPro 2, Visual FoxPro), each with the same rows: text in the
table's code page, numbers, dates, logicals, memos, a deleted record, and
in Visual FoxPro nulls, integers, currency, date-times and doubles.

    python write_tables.py OUT_DIR
"""
import datetime
import decimal
import os
import sys

import dbf

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

COMMON = "name C(20); qty N(5,0); price N(10,2); born D; ok L; notes M"
TABLES = {
    # kind: (extra fields, code page)
    "db3": ("", "cp850"),
    "clp": ("", "cp437"),
    "fp": ("; ratio F(12,4)", "cp852"),
}
ROWS = [
    ("Zürich é", 12, 1234.56, datetime.date(2001, 2, 3), True, "first memo\r\nline two"),
    ("Łódź", -3, -0.5, datetime.date(1999, 12, 31), False, ""),
    ("deleted", 1, 1, datetime.date(2000, 1, 1), True, "gone"),
    (),
]
POLISH = {"db3": "Zurich", "clp": "Zurich"}

for kind, (extra, codepage) in TABLES.items():
    table = dbf.Table(os.path.join(out, kind + ".dbf"), COMMON + extra, dbf_type=kind, codepage=codepage)
    table.open(dbf.READ_WRITE)
    for row in ROWS:
        if row and row[0] == "Łódź" and kind in POLISH:
            row = ("Lodz",) + row[1:]
        if row and kind == "fp":
            row = row + (3.1416 if row[0] != "Łódź" else -2.5,)
        table.append(row)
    dbf.delete(table[2])
    table.close()

vfp = dbf.Table(
    os.path.join(out, "vfp.dbf"),
    "name C(20) NULL; qty N(5,0) NULL; price N(10,2); born D NULL; ok L NULL; notes M NULL; "
    "cnt I; cash Y; seen T NULL; dbl B",
    dbf_type="vfp",
    codepage="cp1251",
)
vfp.open(dbf.READ_WRITE)
vfp.append(("Привет", 12, 1234.56, datetime.date(2001, 2, 3), True, "первый", -7,
            decimal.Decimal("12.3456"), datetime.datetime(2020, 1, 1, 12, 30, 15), 2.5))
vfp.append((dbf.Null, dbf.Null, 0, dbf.Null, dbf.Null, dbf.Null, 0, 0, dbf.Null, 0))
vfp.append(("x", dbf.Null, -0.5, datetime.date(1999, 12, 31), False, "m", 2147483646,
            decimal.Decimal("-922337203685477.5807"), datetime.datetime(1900, 1, 1, 0, 0, 1), -1e300))
vfp.close()
