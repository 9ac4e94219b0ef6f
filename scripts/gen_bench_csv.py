#!/usr/bin/env python3
"""Write a deterministic, mixed-type CSV for benchmarks.

Usage: python3 scripts/gen_bench_csv.py OUT.csv [ROWS]   (ROWS defaults to 1,000,000)

Columns (header line first, RFC 4180 quoting, UTF-8 without BOM, LF line ends):
  id       int, 1..ROWS (unique)
  amount   float with 2 or 4 decimals, some negative, ~2% empty
  qty      small int 0..50, ~5% empty
  created  ISO date YYYY-MM-DD
  updated  timestamp YYYY-MM-DD HH:MM:SS, ~3% empty
  zip      5-digit string, many with leading zeros (08123), ~1% empty
  name     unicode names: accents, CJK, Cyrillic, Arabic, emoji; a few contain
           commas (quoted); ~1% empty
  comment  free text; some contain commas, doubled quotes, embedded newlines
           (all quoted), some have a leading space; ~10% empty
  flag     true/false, ~2% empty

Speed: every column is drawn from a seeded pool of pre-rendered (already
quoted) cells whose sizes are distinct primes, and rows are assembled with
zip/join in C, so there is no per-row Python work beyond the id. 1M rows take
well under 10 s on one core; memory stays flat (written in chunks).
The output depends only on ROWS and the Python version's `random` module
(seeded with SEED; random() / getrandbits() are stable across CPython 3.x).
"""

import datetime as dt
import itertools
import random
import sys

SEED = 20240607
CHUNK = 100_000
HEADER = "id,amount,qty,created,updated,zip,name,comment,flag"


def q(s: str) -> str:
    """Quote a cell per RFC 4180 when it needs it."""
    if any(c in s for c in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


def pool_amount(r: random.Random, n: int) -> list:
    out = []
    for _ in range(n):
        u = r.random()
        if u < 0.02:
            out.append("")
            continue
        v = r.random() * 20000.0 - 1500.0
        if u < 0.12:
            out.append("%.4f" % v)
        elif u < 0.15:
            out.append("%.2f" % (v / 1000.0))  # small values like 0.37, -1.20
        else:
            out.append("%.2f" % v)
    return out


def pool_qty(r: random.Random, n: int) -> list:
    return ["" if r.random() < 0.05 else str(int(r.random() * 51)) for _ in range(n)]


def pool_created(r: random.Random, n: int) -> list:
    base = dt.date(1999, 1, 1).toordinal()
    return [dt.date.fromordinal(base + int(r.random() * 11000)).isoformat() for _ in range(n)]


def pool_updated(r: random.Random, n: int) -> list:
    base = dt.datetime(2015, 1, 1)
    span = 11 * 365 * 86400
    out = []
    for _ in range(n):
        if r.random() < 0.03:
            out.append("")
        else:
            out.append((base + dt.timedelta(seconds=int(r.random() * span))).isoformat(sep=" "))
    return out


def pool_zip(r: random.Random, n: int) -> list:
    out = []
    for _ in range(n):
        u = r.random()
        if u < 0.01:
            out.append("")
        elif u < 0.35:
            out.append("%05d" % int(r.random() * 10000))  # 00000..09999: leading zero
        else:
            out.append("%05d" % int(r.random() * 100000))
    return out


FIRST = [
    "José", "Zoë", "Björn", "Ånäs", "François", "Łukasz", "Søren", "Chloé",
    "Mårten", "Ñuño", "Ana", "John", "Mary", "Oluwaseun", "Siobhán", "Renée",
    "Dmitri", "Гжегож", "Анна", "Алексей", "محمد", "فاطمة", "Αλέξανδρος",
    "Μαρία", "Nguyễn", "Thảo", "İbrahim", "Çağla", "Þór", "Ægir", "Jürgen",
]
LAST = [
    "García", "Müller", "O'Brien", "Núñez", "Šimůnek", "Østergård", "Dvořák",
    "Smith", "Lefèvre", "Kowalczyk", "Håkansson", "Иванова", "Петров",
    "Παπαδόπουλος", "Trần", "Yılmaz", "D'Angelo", "van der Berg", "Ødegaard",
]
CJK = [
    "王小明", "李华", "张伟", "山田太郎", "佐藤花子", "鈴木一郎", "김민준",
    "이서연", "陳大文", "林美玲", "高橋 健", "田中 さくら",
]
EMOJI = ["🚀", "😀", "🎉", "👍🏽", "🇫🇷", "❤️", "👩‍💻", "🐍", "🦀", "☕"]


def pool_name(r: random.Random, n: int) -> list:
    out = []
    for _ in range(n):
        u = r.random()
        if u < 0.01:
            s = ""
        elif u < 0.20:
            s = r.choice(CJK)
        elif u < 0.27:
            s = r.choice(FIRST) + " " + r.choice(EMOJI)
        elif u < 0.30:
            s = r.choice(LAST) + ", " + r.choice(FIRST)  # needs quoting
        else:
            s = r.choice(FIRST) + " " + r.choice(LAST)
        out.append(q(s))
    return out


WORDS = [
    "order", "shipped", "late", "refund", "ok", "customer", "called", "twice",
    "résumé", "naïve", "café", "größe", "日本語", "テスト", "数据", "😀", "✓",
    "pending", "paid", "N/A", "see", "note", "box", "damaged", "urgent",
]


def pool_comment(r: random.Random, n: int) -> list:
    out = []
    for _ in range(n):
        u = r.random()
        words = " ".join(r.choice(WORDS) for _ in range(1 + int(r.random() * 8)))
        if u < 0.10:
            s = ""
        elif u < 0.25:
            s = words + ", " + r.choice(WORDS) + ", " + r.choice(WORDS)  # commas
        elif u < 0.35:
            s = 'he said "' + words + '" and left'  # doubled quotes
        elif u < 0.42:
            s = words + "\n" + r.choice(WORDS)  # embedded newline
        elif u < 0.45:
            s = 'line one, "quoted"\nline two\nline three'  # all of them
        elif u < 0.47:
            s = " " + words  # leading space (must be kept)
        elif u < 0.48:
            s = '""'  # a cell whose value is two quote characters
        else:
            s = words
        out.append(q(s))
    return out


def pool_flag(r: random.Random, n: int) -> list:
    out = []
    for _ in range(n):
        u = r.random()
        out.append("" if u < 0.02 else ("true" if u < 0.51 else "false"))
    return out


def main(argv: list) -> int:
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    out_path = argv[1]
    try:
        rows = int(argv[2].replace("_", "").replace(",", "")) if len(argv) == 3 else 1_000_000
    except ValueError:
        print(f"ROWS must be an integer, got {argv[2]!r}", file=sys.stderr)
        return 2
    if rows < 0:
        print("ROWS must be >= 0", file=sys.stderr)
        return 2

    r = random.Random(SEED)
    # Distinct prime pool sizes: the combination of cells only repeats after
    # their product, far beyond any row count used here.
    pools = [
        pool_amount(r, 100_003),
        pool_qty(r, 10_007),
        pool_created(r, 30_011),
        pool_updated(r, 200_003),
        pool_zip(r, 99_991),
        pool_name(r, 5_003),
        pool_comment(r, 20_011),
        pool_flag(r, 9_973),
    ]
    rows_iter = zip(map(str, range(1, rows + 1)), *(itertools.cycle(p) for p in pools))

    with open(out_path, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER + "\n")
        while True:
            chunk = list(itertools.islice(rows_iter, CHUNK))
            if not chunk:
                break
            f.write("\n".join(map(",".join, chunk)))
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
