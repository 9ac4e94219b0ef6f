"""Writes the PDF benchmark document: PAGES pages of report text with
PyMuPDF (run with a python that has it: .peers/pyforge-cli/bin/python).
Deterministic. Every page has a heading, 46 lines of body text in
Helvetica (Latin-1 letters included), a footer with its number; every
fifth page sets its body in two columns, every tenth adds a small image.

    gen_bench_pdf.py PAGES OUT.pdf
"""

import random
import sys

import pymupdf

pages, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(20261207)
words = ("shipment depot carrier pallet invoice quarter revenue growth delivery customer "
         "order warehouse north south east west route schedule Zürich Malmö Göteborg café "
         "naïve façade résumé data report total amount balance ledger audit").split()


def line(n):
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


doc = pymupdf.open()
doc.set_metadata({"title": "pyforge PDF benchmark", "producer": "scripts/gen_bench_pdf.py"})
pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 32, 24), False)
pixmap.clear_with(180)
for number in range(1, pages + 1):
    page = doc.new_page()
    page.insert_text((72, 60), f"Section {number}: {line(4)}", fontsize=14, fontname="hebo")
    if number % 5 == 0:
        for column, x in enumerate((72, 320)):
            text = "\n".join(line(5) for _ in range(46))
            page.insert_text((x, 90), text, fontsize=8, fontname="helv")
    else:
        text = "\n".join(line(rng.randint(8, 12)) for _ in range(46))
        page.insert_text((72, 90), text, fontsize=9, fontname="helv")
    if number % 10 == 0:
        page.insert_image(pymupdf.Rect(480, 30, 540, 75), pixmap=pixmap)
    page.insert_text((290, 800), f"- {number} -", fontsize=8, fontname="helv")
doc.save(out, garbage=4, deflate=True)
