#!/usr/bin/env python3
"""Write a deterministic dBase III table (.dbf) for benchmarks.

Usage: python3 scripts/gen_bench_dbf.py ROWS OUT.dbf

Plain Python (struct only), no third-party package. Prints one line to stdout:
"records=R deleted=D live=L" (L = R - D, the rows a reader must return).

The file, as dBase III PLUS and its many exporters write it:
  header      32 bytes: version 0x03 (dBase III, no memo), last update
              2025-01-01, record count (every record, deleted ones too), header
              length, record length, language driver 0x03 (Windows ANSI, cp1252)
  fields      one 32-byte descriptor per field, then the 0x0D terminator
  records     a deletion flag (' ' live, '*' deleted: about 1 % of them), then
              the fields' bytes: C left-aligned and blank-padded, N right-aligned
              and blank-padded (all blanks: no value), D as YYYYMMDD (all blanks:
              no value), L as T / F / ?
  end         0x1A

Fields (record length 1 + 178 = 179 bytes):
  ID       N(10,0)  1..ROWS (unique)
  NAME     C(40)    first name, middle initial, last name; cp1252 letters (é, ü, ñ,
                    ø, å, ç, š, œ ...), some double-barrelled; about 1 % blank
  CITY     C(25)    one of 40 cities, many with accents (Zürich, São Paulo)
  AMOUNT   N(12,2)  -5,000.00 .. 250,000.00, about 3 % blank
  QTY      N(6,0)   1..999
  ORDERED  D        2015-01-01 .. 2025-12-31, about 2 % blank
  ACTIVE   L        T about 80 %, F about 18 %, ? (unknown) about 2 %
  NOTE     C(60)    about 70 % blank; else short remarks, some with commas,
                    quotes, an apostrophe or the euro sign (0x80 in cp1252)
  RATE     N(8,4)   0.0000 .. 99.9999
  CODE     C(8)     product codes like AB-12345, some shorter (AB-123)

Speed and memory: every field but ID is drawn from a seeded pool of pre-encoded
values whose sizes are distinct primes, and records are joined in C in chunks
of 20,000: 1,000,000 rows (171 MB) take about 2 s and 55 MB, the same memory
whatever ROWS is. The output depends only on ROWS and the Python version's `random`
module (seeded with SEED; random() is stable across CPython 3.x).
"""

import datetime as dt
import itertools
import random
import struct
import sys

SEED = 20251207
CHUNK = 20_000
ENCODING = "cp1252"
LANGUAGE_DRIVER = 0x03  # Windows ANSI (cp1252)
LAST_UPDATE = dt.date(2025, 1, 1)

# name, type, length, decimals
FIELDS = [
    ("ID", "N", 10, 0),
    ("NAME", "C", 40, 0),
    ("CITY", "C", 25, 0),
    ("AMOUNT", "N", 12, 2),
    ("QTY", "N", 6, 0),
    ("ORDERED", "D", 8, 0),
    ("ACTIVE", "L", 1, 0),
    ("NOTE", "C", 60, 0),
    ("RATE", "N", 8, 4),
    ("CODE", "C", 8, 0),
]

FIRST = [
    "José", "Zoë", "Björn", "François", "Søren", "Chloé", "Mårten", "Ñuño",
    "Ana", "John", "Mary", "Siobhán", "Renée", "Jürgen", "Dmitri", "Ægir",
    "Carlos", "Emma", "Noah", "Olivia", "Liam", "Sofía", "Mateo", "Élodie",
    "Thérèse", "Håkon", "Íñigo", "Grégoire", "Bérénice", "Peter",
]
LAST = [
    "García", "Müller", "O'Brien", "Núñez", "Šimek", "Østergård", "Smith",
    "Lefèvre", "Kowalczyk", "Håkansson", "D'Angelo", "van der Berg", "Ødegaard",
    "Schröder", "Brontë", "Nguyen", "Patel", "Rossi", "Dubois", "Žižek", "Ibáñez",
    "Gonçalves", "Jäger", "Cœur", "Meyer",
]
CITIES = [
    "Zürich", "São Paulo", "München", "Köln", "Málaga", "Córdoba", "Malmö",
    "Göteborg", "Reykjavík", "Besançon", "Orléans", "Genève", "Kraków",
    "Düsseldorf", "Linköping", "Århus", "Łódź", "Brașov", "Niš", "Tromsø",
    "Paris", "London", "New York", "Chicago", "Toronto", "Sydney", "Lisboa",
    "Porto", "Milano", "Napoli", "Wien", "Graz", "Bruxelles", "Liège",
    "Amsterdam", "Den Haag", "Dublin", "Cork", "Helsinki", "Oslo",
]
REMARKS = [
    "deliver before noon", "call first", "gate code 4711", "leave at the back door",
    "invoice by e-mail", "price agreed: 12,50 €", "customer's own pallet",
    'marked "fragile"', "reorder monthly", "VAT exempt, see file", "discount 5 %",
    "paid in advance", "returns allowed", "Œuvre complète, 3 vol.", "ship with DHL",
    "ask for Mr. Müller", "no Sunday delivery", "urgent!", "sample only",
    "credit note pending, ref. 2024/117",
]


def encode(s: str, length: int) -> bytes:
    """C field: text in the table's code page, left-aligned, blank-padded."""
    b = s.encode(ENCODING)
    if len(b) > length:
        raise ValueError(f"{s!r} is longer than {length} bytes")
    return b.ljust(length, b" ")


def number(s: str, length: int) -> bytes:
    """N field: right-aligned, blank-padded ("" is a blank value)."""
    b = s.encode("ascii")
    if len(b) > length:
        raise ValueError(f"{s!r} is wider than {length}")
    return b.rjust(length, b" ")


def pool_name(r: random.Random, n: int) -> list:
    initials = "ABCDEFGHIJKLMNOPRSTVWZ"
    out = []
    for _ in range(n):
        if r.random() < 0.01:
            out.append(encode("", 40))
            continue
        last = r.choice(LAST)
        if r.random() < 0.2:
            last += "-" + r.choice(LAST)  # double-barrelled
        out.append(encode((r.choice(FIRST) + " " + r.choice(initials) + ". " + last)[:40], 40))
    return out


def cp1252_cities() -> list:
    # Łódź, Brașov and Niš have letters cp1252 lacks: spelt as exporters often do.
    spelt = {"Łódź": "Lodz", "Brașov": "Brasov", "Niš": "Nis"}
    return [encode(spelt.get(c, c), 25) for c in CITIES]


def pool_city(r: random.Random, n: int) -> list:
    cities = cp1252_cities()
    return [r.choice(cities) for _ in range(n)]


def pool_amount(r: random.Random, n: int) -> list:
    return [
        number("" if r.random() < 0.03 else "%.2f" % (-5000.0 + r.random() * 255000.0), 12)
        for _ in range(n)
    ]


def pool_qty(r: random.Random, n: int) -> list:
    return [number(str(1 + int(r.random() * 999)), 6) for _ in range(n)]


def pool_ordered(r: random.Random, n: int) -> list:
    base = dt.date(2015, 1, 1).toordinal()
    days = dt.date(2025, 12, 31).toordinal() - base + 1
    return [
        b" " * 8 if r.random() < 0.02
        else dt.date.fromordinal(base + int(r.random() * days)).strftime("%Y%m%d").encode("ascii")
        for _ in range(n)
    ]


def pool_active(r: random.Random, n: int) -> list:
    out = []
    for _ in range(n):
        u = r.random()
        out.append(b"T" if u < 0.80 else (b"F" if u < 0.98 else b"?"))
    return out


def pool_note(r: random.Random, n: int) -> list:
    return [encode("" if r.random() < 0.70 else r.choice(REMARKS), 60) for _ in range(n)]


def pool_rate(r: random.Random, n: int) -> list:
    return [number("%.4f" % (int(r.random() * 1_000_000) / 10_000), 8) for _ in range(n)]


def pool_code(r: random.Random, n: int) -> list:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    out = []
    for _ in range(n):
        head = r.choice(letters) + r.choice(letters) + "-"
        digits = 5 if r.random() < 0.9 else 3
        out.append(encode(head + "%0*d" % (digits, int(r.random() * 10**digits)), 8))
    return out


def pool_deleted(r: random.Random, n: int) -> list:
    return [b"*" if r.random() < 0.01 else b" " for _ in range(n)]


def header(records: int) -> bytes:
    record_length = 1 + sum(f[2] for f in FIELDS)
    header_length = 32 + 32 * len(FIELDS) + 1
    out = [
        struct.pack(
            "<B3BIHH2xBB12xBB2x",
            0x03,  # dBase III, no memo
            LAST_UPDATE.year - 1900, LAST_UPDATE.month, LAST_UPDATE.day,
            records, header_length, record_length,
            0,  # incomplete transaction
            0,  # encryption
            0,  # production .mdx
            LANGUAGE_DRIVER,
        )
    ]
    for name, kind, length, decimals in FIELDS:
        # name (11 bytes, NUL-padded), type, 4 reserved (data address), length,
        # decimal count, 14 reserved
        out.append(struct.pack("<11sc4xBB14x", name.encode("ascii"), kind.encode("ascii"), length, decimals))
    out.append(b"\x0d")
    data = b"".join(out)
    assert len(data) == header_length
    return data


def main(argv: list) -> int:
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        rows = int(argv[1].replace("_", "").replace(",", ""))
    except ValueError:
        print(f"ROWS must be an integer, got {argv[1]!r}", file=sys.stderr)
        return 2
    if not 0 <= rows <= 0xFFFFFFFF:
        print("ROWS must be between 0 and 4,294,967,295", file=sys.stderr)
        return 2
    out_path = argv[2]

    r = random.Random(SEED)
    # Distinct prime pool sizes: the combination of values only repeats after
    # their product, far beyond any row count used here.
    deleted = pool_deleted(r, 10_007)
    pools = [
        pool_name(r, 50_021),
        pool_city(r, 9_973),
        pool_amount(r, 100_003),
        pool_qty(r, 10_009),
        pool_ordered(r, 30_011),
        pool_active(r, 9_967),
        pool_note(r, 20_011),
        pool_rate(r, 99_991),
        pool_code(r, 40_009),
    ]
    ids = map(b"%10d".__mod__, range(1, rows + 1))
    # Record: flag, ID, then the pooled fields in FIELDS order.
    records = zip(itertools.cycle(deleted), ids, *(itertools.cycle(p) for p in pools))

    n_deleted = 0
    with open(out_path, "wb") as f:
        f.write(header(rows))
        while True:
            chunk = list(itertools.islice(records, CHUNK))
            if not chunk:
                break
            n_deleted += sum(1 for rec in chunk if rec[0] == b"*")
            f.write(b"".join(map(b"".join, chunk)))
        f.write(b"\x1a")
    print(f"records={rows} deleted={n_deleted} live={rows - n_deleted}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
