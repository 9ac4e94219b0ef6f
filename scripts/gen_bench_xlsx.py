#!/usr/bin/env python3
"""Write a deterministic, mixed-type Excel workbook (.xlsx) for benchmarks.

Usage: .peers/fastexcel/bin/python scripts/gen_bench_xlsx.py OUT.xlsx [ORDERS_ROWS [CUSTOMERS_ROWS]]   (defaults: 100,000 and 10,000)
Needs xlsxwriter (scripts/install-peers.sh puts it in .peers/fastexcel).

Two sheets, each a header row and then data, typed cells as Excel stores them
(numbers, dates and date-times as serial numbers with a number format,
booleans as boolean cells, text as shared strings, as Excel itself writes them):

  Orders (ORDERS_ROWS rows)
    order_id    int, 10,000,001 upwards (unique)
    amount      float with 2 decimals, some negative, ~3% empty
    order_date  date (yyyy-mm-dd)
    shipped_at  date-time to the second (yyyy-mm-dd hh:mm:ss), ~5% empty
    customer    short text: names with a middle initial, some double-barrelled or accented
                (about 25,000 distinct)
    paid        boolean
    region      category: one of 8 values
  Customers (CUSTOMERS_ROWS rows): the same kinds of columns, other names
    customer_id (500,001 upwards), credit_limit, signup_date, last_login, name, active, segment

The two sheets have different column names, so pyforge-cli 1.0.9 does not
offer to combine them (its interactive prompt).

xlsxwriter's constant_memory mode writes rows as they come (flat memory) but
stores text as inline strings, which Excel itself does not write; the workbook is
written in the ordinary mode instead (shared strings; about 15 s and 150 MB for
the defaults, 5.2 MB of xlsx). The file's creation time is fixed, so the same
arguments and xlsxwriter version give the same bytes.
"""

import datetime as dt
import itertools
import random
import sys

import xlsxwriter

SEED = 20251203
FIXED_TIME = dt.datetime(2025, 1, 1)

FIRST = [
    "Ana", "John", "Mary", "José", "Chloé", "Björn", "Søren", "Łukasz",
    "Oluwaseun", "Siobhán", "Renée", "Dmitri", "Priya", "Wei", "Yuki", "Fatima",
    "Carlos", "Emma", "Noah", "Olivia", "Liam", "Sofia", "Mateo", "Aisha",
]
LAST = [
    "García", "Müller", "O'Brien", "Núñez", "Smith", "Lefèvre", "Kowalczyk",
    "Håkansson", "Nguyen", "Yılmaz", "Patel", "Kim", "Rossi", "Dubois",
    "van der Berg", "Johnson", "Williams", "Brown", "Tanaka", "Silva",
]
REGIONS = ["North", "South", "East", "West", "Central", "North-East", "South-West", "Overseas"]
SEGMENTS = ["Retail", "Wholesale", "Online", "Enterprise", "Public sector", "Partner"]


def names(r: random.Random, n: int) -> list:
    initials = "ABCDEFGHIJKLMNOPRSTVWZ"
    out = []
    for _ in range(n):
        last = r.choice(LAST)
        if r.random() < 0.3:
            last += "-" + r.choice(LAST)  # double-barrelled
        out.append(r.choice(FIRST) + " " + r.choice(initials) + ". " + last)
    return out


def amounts(r: random.Random, n: int, empty: float, lo: float, hi: float) -> list:
    return [None if r.random() < empty else round(lo + r.random() * (hi - lo), 2) for _ in range(n)]


def dates(r: random.Random, n: int, start: dt.date, days: int) -> list:
    base = start.toordinal()
    return [dt.date.fromordinal(base + int(r.random() * days)) for _ in range(n)]


def datetimes(r: random.Random, n: int, empty: float, start: dt.datetime, span_s: int) -> list:
    return [
        None if r.random() < empty else start + dt.timedelta(seconds=int(r.random() * span_s))
        for _ in range(n)
    ]


def write_sheet(wb, name: str, header: list, first_id: int, rows: int, pools: list, fmts: list) -> None:
    ws = wb.add_worksheet(name)
    bold = wb.add_format({"bold": True})
    for c, h in enumerate(header):
        ws.write_string(0, c, h, bold)
    ws.set_column(0, len(header) - 1, 14)
    # Distinct prime pool sizes: the combination of cells only repeats after
    # their product, far beyond any row count used here.
    cycles = [itertools.cycle(p) for p in pools]
    write_number, write_datetime, write_string, write_boolean = (
        ws.write_number, ws.write_datetime, ws.write_string, ws.write_boolean)
    date_fmt, datetime_fmt = fmts
    for i in range(rows):
        row = i + 1
        write_number(row, 0, first_id + i)
        amount = next(cycles[0])
        if amount is not None:
            write_number(row, 1, amount)
        write_datetime(row, 2, next(cycles[1]), date_fmt)
        stamp = next(cycles[2])
        if stamp is not None:
            write_datetime(row, 3, stamp, datetime_fmt)
        write_string(row, 4, next(cycles[3]))
        write_boolean(row, 5, next(cycles[4]))
        write_string(row, 6, next(cycles[5]))


def main(argv: list) -> int:
    if len(argv) not in (2, 3, 4) or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    out_path = argv[1]
    try:
        orders = int(argv[2].replace("_", "").replace(",", "")) if len(argv) >= 3 else 100_000
        customers = int(argv[3].replace("_", "").replace(",", "")) if len(argv) >= 4 else 10_000
    except ValueError:
        print("ROWS must be integers", file=sys.stderr)
        return 2
    if orders < 0 or customers < 0:
        print("ROWS must be >= 0", file=sys.stderr)
        return 2

    r = random.Random(SEED)
    wb = xlsxwriter.Workbook(out_path)
    wb.set_properties({"created": FIXED_TIME})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    datetime_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})

    write_sheet(
        wb, "Orders",
        ["order_id", "amount", "order_date", "shipped_at", "customer", "paid", "region"],
        10_000_001, orders,
        [
            amounts(r, 100_003, 0.03, -5_000.0, 250_000.0),
            dates(r, 30_011, dt.date(2015, 1, 1), 11 * 365),
            datetimes(r, 200_003, 0.05, dt.datetime(2015, 1, 1), 11 * 365 * 86400),
            names(r, 50_021),
            [r.random() < 0.8 for _ in range(9_973)],
            [r.choice(REGIONS) for _ in range(10_007)],
        ],
        [date_fmt, datetime_fmt],
    )
    write_sheet(
        wb, "Customers",
        ["customer_id", "credit_limit", "signup_date", "last_login", "name", "active", "segment"],
        500_001, customers,
        [
            amounts(r, 10_007, 0.02, 0.0, 50_000.0),
            dates(r, 3_001, dt.date(2005, 1, 1), 20 * 365),
            datetimes(r, 20_011, 0.10, dt.datetime(2020, 1, 1), 6 * 365 * 86400),
            names(r, 5_003),
            [r.random() < 0.9 for _ in range(997)],
            [r.choice(SEGMENTS) for _ in range(1_009)],
        ],
        [date_fmt, datetime_fmt],
    )
    wb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
