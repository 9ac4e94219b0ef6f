"""Writes tests/data/sample_report.pdf, the PDF sample of scripts/demo.sh:
three pages made with PyMuPDF (run with the test tools' python,
.peers/pyspark/bin/python): a text page with document information, a page
of tabular text in two fonts, and a scanned-looking page that holds only an
image (no text layer), which pyforge reports instead of inventing text.

    scripts/gen_sample_pdf.py [OUTPUT]
"""

import sys

import pymupdf

out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/sample_report.pdf"
doc = pymupdf.open()
doc.set_metadata({
    "title": "Quarterly shipments report",
    "author": "pyforge samples",
    "subject": "A PDF sample for the demo",
    "creator": "scripts/gen_sample_pdf.py",
    "creationDate": "D:20240105093000+01'00'",
    "modDate": "D:20240105093000+01'00'",
})

# DejaVu Sans (Debian's fonts-dejavu-core), embedded as a subset: the
# letters beyond Latin-1 need a real font with a ToUnicode map.
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

page = doc.new_page()
page.insert_text((72, 72), "Quarterly shipments report", fontsize=18, fontname="helv")
body = (
    "Shipments rose 12% over the quarter; the northern depot handled most of the growth.\n"
    "Late deliveries fell from 4.1% to 2.7% after the carrier change in February.\n"
    "Returns stayed flat at 1.9%. Prices in EUR include VAT: 1.234,50 € for the pallet service.\n"
    "Zürich, Kraków and Malmö joined the network; next quarter: Łódź and Göteborg."
)
page.insert_text((72, 110), body, fontsize=11, fontname="dejavu", fontfile=DEJAVU)

page = doc.new_page()
page.insert_text((72, 72), "Shipments by depot", fontsize=14, fontname="hebo")
rows = [("Depot", "Shipments", "On time"), ("North", "18,204", "97.8%"),
        ("South", "9,870", "96.1%"), ("East", "12,552", "98.4%")]
for i, (depot, shipments, on_time) in enumerate(rows):
    y = 104 + 18 * i
    page.insert_text((72, y), depot, fontsize=11, fontname="cour")
    page.insert_text((200, y), shipments, fontsize=11, fontname="cour")
    page.insert_text((320, y), on_time, fontsize=11, fontname="cour")

page = doc.new_page()
pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 64, 48), False)
pixmap.clear_with(200)
page.insert_image(pymupdf.Rect(72, 72, 540, 423), pixmap=pixmap)

doc.subset_fonts()
doc.save(out, garbage=4, deflate=True)
