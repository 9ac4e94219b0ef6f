#!/usr/bin/env python3
"""Write a deterministic XML document of orders for benchmarks.

Usage: python3 scripts/gen_bench_xml.py ORDERS OUT.xml

Plain Python (standard library only). Prints nothing but errors (to stderr, exit 2).

The document, UTF-8, one order a line (no indentation: whitespace between elements only
after the root's start tag and after each order):

  <?xml version="1.0" encoding="UTF-8"?>
  <orders generated="2026-12-07" source="bench">
  <order id="1" status="shipped">...</order>
  ...
  </orders>

Each order, shown indented here:

  <order id="1" status="shipped">            id 1..ORDERS; shipped about 70 %,
                                               pending 20 %, cancelled 10 %
    <date>2024-03-17</date>                  any day of 2024
    <customer id="C10234">                   one of 20,011 customers (a customer's orders
      <name>José Müller</name>                 repeat the same block); about a quarter of
      <email>jose.mueller12@example.org</email>  the names have é, ü, ß, ø ... or are
      <address>                                Chinese (王伟); some cities too (München, 北京)
        <street>1234 Maple Avenue, Apt 12</street>   half with an Apt
        <city>Springfield</city>
        <zip>02134</zip>                     5 digits, about 1 in 10 with leading zeros
        <country>United States</country>
      </address>
    </customer>
    <items>                                  1-4 items (1: 40 %, 2: 30 %, 3: 20 %, 4: 10 %)
      <item sku="SKU-123">                   one of 997 products (SKU-100 .. SKU-1096)
        <name>USB-C Cable Black</name>
        <qty>3</qty>                         1..9
        <price>12.50</price>                 0.99 .. 499.99, always 2 decimals
      </item>
    </items>
    <total>37.50</total>                     the sum of qty x price, 2 decimals
    <paid>true</paid>                        true / false
    <note>Fragile: glass &amp; ceramics</note>  about 20 % of the orders; every note has
  </order>                                     &amp; or &lt; (or both), some non-ASCII text

Size: about 542 bytes an order (100,000 orders: 54.2 MB = 51.7 MiB; 1,000,000: 542.6 MB).

Speed and memory: customers, products, dates and notes are drawn from seeded pools of
pre-rendered text, and orders are written in chunks of 10,000: the same memory whatever
ORDERS is (1,000,000 orders: about 4.5 s and 50 MB). The output depends only on ORDERS (and on
`random.random()` with SEED, which is stable across CPython 3.x).
"""

import datetime as dt
import random
import sys
from xml.sax.saxutils import escape, quoteattr

SEED = 20261207
CHUNK = 10_000
N_CUSTOMERS = 20_011  # prime
N_PRODUCTS = 997  # prime

FIRST = [
    ("John", "john"), ("Mary", "mary"), ("Peter", "peter"), ("Linda", "linda"),
    ("Michael", "michael"), ("Sarah", "sarah"), ("David", "david"), ("Emma", "emma"),
    ("James", "james"), ("Olivia", "olivia"), ("Robert", "robert"), ("Sophia", "sophia"),
    ("William", "william"), ("Ava", "ava"), ("Thomas", "thomas"), ("Grace", "grace"),
    ("Daniel", "daniel"), ("Chloe", "chloe"), ("Anna", "anna"), ("Mark", "mark"),
]
LAST = [
    ("Smith", "smith"), ("Johnson", "johnson"), ("Williams", "williams"), ("Brown", "brown"),
    ("Jones", "jones"), ("Miller", "miller"), ("Davis", "davis"), ("Wilson", "wilson"),
    ("Taylor", "taylor"), ("Anderson", "anderson"), ("Thomas", "thomas"), ("Moore", "moore"),
    ("Martin", "martin"), ("Clark", "clark"), ("Lewis", "lewis"), ("Walker", "walker"),
    ("Hall", "hall"), ("Young", "young"), ("King", "king"), ("Wright", "wright"),
]
# Non-ASCII names (about a quarter of the customers).
FIRST_INTL = [
    ("José", "jose"), ("Zoë", "zoe"), ("Jürgen", "juergen"), ("Günther", "guenther"),
    ("François", "francois"), ("Renée", "renee"), ("Søren", "soeren"), ("Chloé", "chloe"),
    ("Björn", "bjoern"), ("Élodie", "elodie"), ("Mårten", "maarten"), ("Íñigo", "inigo"),
]
LAST_INTL = [
    ("Müller", "mueller"), ("Strauß", "strauss"), ("Groß", "gross"), ("Weiß", "weiss"),
    ("Lefèvre", "lefevre"), ("Dvořák", "dvorak"), ("García", "garcia"), ("Schröder", "schroeder"),
    ("Núñez", "nunez"), ("Østergård", "ostergard"), ("Brontë", "bronte"), ("Jäger", "jaeger"),
]
CHINESE = [
    ("王伟", "wang.wei"), ("李娜", "li.na"), ("张伟", "zhang.wei"), ("刘洋", "liu.yang"),
    ("陈静", "chen.jing"), ("杨磊", "yang.lei"), ("赵敏", "zhao.min"), ("黄丽", "huang.li"),
]
DOMAINS = ["mail.example.com", "example.org", "post.example.net", "shop.example.de"]
STREETS = [
    "Maple", "Oak", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Main",
    "Sunset", "Highland", "River", "Church", "Mill", "Spring", "Forest", "Meadow",
    "Bahnhof", "Linden",
]
SUFFIXES = ["Street", "Avenue", "Road", "Lane", "Drive", "Boulevard", "Court", "Way"]
CITIES = [
    ("Springfield", "United States"), ("Boston", "United States"), ("Portland", "United States"),
    ("Chicago", "United States"), ("Austin", "United States"), ("Denver", "United States"),
    ("New York", "United States"), ("Seattle", "United States"), ("Toronto", "Canada"),
    ("Montréal", "Canada"), ("London", "United Kingdom"), ("Manchester", "United Kingdom"),
    ("München", "Germany"), ("Köln", "Germany"), ("Düsseldorf", "Germany"),
    ("Zürich", "Switzerland"), ("Genève", "Switzerland"), ("Wien", "Austria"),
    ("Paris", "France"), ("Besançon", "France"), ("Malmö", "Sweden"), ("Oslo", "Norway"),
    ("Shanghai", "China"), ("北京", "China"), ("Sydney", "Australia"), ("Dublin", "Ireland"),
]
PRODUCTS = [
    "USB-C Cable", "Wireless Mouse", "Mechanical Keyboard", "Laptop Stand", "LED Desk Lamp",
    "Notebook A5", "Ballpoint Pens", "Ceramic Coffee Mug", "Water Bottle", "Laptop Backpack", "Headphones",
    "Phone Case", "Screen Protector", "HDMI Adapter", "Power Bank", "Webcam 1080p", "Monitor Arm",
    "Office Chair Cushion", "Heavy-Duty Stapler", "Paper Clips (100)", "Café Crème Beans", "Müsli Bar",
    "Tea Sampler", "Sticky Notes", "Whiteboard Markers",
]
VARIANTS = [
    " Black", " White", " Blue", " Large", " Small", " Pro", " Mini", " XL", " Eco", " Classic",
    " Graphite", " Silver", " Recycled", " Compact",
]
# Every note has '&' or '<' (written &amp; / &lt;); none has '>', so no &gt; is written.
NOTES = [
    "Leave at the back door & ring twice",
    "Fragile: glass & ceramics",
    "Deliver only if qty < 5, else split the shipment",
    "Gift wrap & card: \u201eAlles Gute!\u201c",
    "Call before delivery (< 30 min notice)",
    "R&D department, building 7",
    "Price < list price & approved by sales",
    "Customer asked for eco packaging & no plastic",
    "Rückfrage bei Frau Weiß & Herrn Groß",
    "Priority < normal, ship with the next batch",
    "请在工作日送货 & 提前致电",
    "Invoice to Smith & Sons Ltd.",
]


def pick(r: random.Random, seq):
    return seq[int(r.random() * len(seq))]


def customer_pool(r: random.Random) -> list:
    out = []
    for i in range(N_CUSTOMERS):
        u = r.random()
        if u < 0.05:
            name, ascii_name = pick(r, CHINESE)
        else:
            first, f_ascii = pick(r, FIRST_INTL if u < 0.25 else FIRST)
            last, l_ascii = pick(r, LAST_INTL if r.random() < 0.5 and u < 0.25 else LAST)
            name, ascii_name = f"{first} {last}", f"{f_ascii}.{l_ascii}"
        email = f"{ascii_name}{int(r.random() * 1000)}@{pick(r, DOMAINS)}"
        street = f"{1 + int(r.random() * 9999)} {pick(r, STREETS)} {pick(r, SUFFIXES)}"
        if r.random() < 0.5:
            street += f", Apt {1 + int(r.random() * 400)}"
        city, country = pick(r, CITIES)
        zip_code = "%05d" % (501 + int(r.random() * 99000))
        out.append(
            f'<customer id="C{10000 + i}">'
            f"<name>{escape(name)}</name>"
            f"<email>{escape(email)}</email>"
            "<address>"
            f"<street>{escape(street)}</street>"
            f"<city>{escape(city)}</city>"
            f"<zip>{zip_code}</zip>"
            f"<country>{escape(country)}</country>"
            "</address>"
            "</customer>"
        )
    return out


def product_pool(r: random.Random) -> list:
    """(item text by qty 1..9, price in cents) per product."""
    out = []
    for i in range(N_PRODUCTS):
        name = pick(r, PRODUCTS) + pick(r, VARIANTS)
        cents = 99 + int(r.random() * 49901)  # 0.99 .. 499.99
        head = f"<item sku={quoteattr('SKU-%d' % (100 + i))}><name>{escape(name)}</name>"
        tail = f"<price>{cents // 100}.{cents % 100:02d}</price></item>"
        out.append(([head + f"<qty>{q}</qty>" + tail for q in range(10)], cents))
    return out


def main(argv: list) -> int:
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        orders = int(argv[1].replace("_", "").replace(",", ""))
    except ValueError:
        print(f"ORDERS must be an integer, got {argv[1]!r}", file=sys.stderr)
        return 2
    if orders < 0:
        print("ORDERS must be 0 or more", file=sys.stderr)
        return 2
    out_path = argv[2]

    r = random.Random(SEED)
    customers = customer_pool(r)
    products = product_pool(r)
    jan1 = dt.date(2024, 1, 1)
    dates = [f"<date>{jan1 + dt.timedelta(days=d)}</date>" for d in range(366)]  # 2024: leap
    notes = [f"<note>{escape(n)}</note>" for n in NOTES]
    assert all("&amp;" in n or "&lt;" in n for n in notes) and not any("&gt;" in n for n in notes)
    rand = r.random

    try:
        f = open(out_path, "w", encoding="utf-8", newline="\n")
    except OSError as e:
        print(f"cannot write {out_path}: {e}", file=sys.stderr)
        return 2
    with f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<orders generated="2026-12-07" source="bench">\n')
        for start in range(1, orders + 1, CHUNK):
            parts = []
            add = parts.append
            for oid in range(start, min(start + CHUNK, orders + 1)):
                u = rand()
                if u < 0.70:
                    status, paid = "shipped", rand() < 0.97
                elif u < 0.90:
                    status, paid = "pending", rand() < 0.40
                else:
                    status, paid = "cancelled", rand() < 0.20
                add(f'<order id="{oid}" status="{status}">')
                add(dates[int(rand() * 366)])
                add(customers[int(rand() * N_CUSTOMERS)])
                add("<items>")
                u = rand()
                n_items = 1 if u < 0.4 else 2 if u < 0.7 else 3 if u < 0.9 else 4
                total = 0
                for _ in range(n_items):
                    texts, cents = products[int(rand() * N_PRODUCTS)]
                    qty = 1 + int(rand() * 9)
                    add(texts[qty])
                    total += qty * cents
                add(f"</items><total>{total // 100}.{total % 100:02d}</total>")
                add("<paid>true</paid>" if paid else "<paid>false</paid>")
                if rand() < 0.20:
                    add(notes[int(rand() * len(notes))])
                add("</order>\n")
            f.write("".join(parts))
        f.write("</orders>\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
