"""The text pyforge-cli 1.0.9 writes for a PDF (its PDFConverter.convert,
with PyMuPDF, minus the progress bar), for comparing layouts byte for byte.

    pyforge_cli_text.py PDF OUTPUT [--metadata] [--pages FIRST-LAST]
"""

import sys

import pymupdf


def main():
    source, output = sys.argv[1], sys.argv[2]
    include_metadata = "--metadata" in sys.argv
    doc = pymupdf.open(source)
    pages = range(len(doc))
    if "--pages" in sys.argv:
        first, last = sys.argv[sys.argv.index("--pages") + 1].split("-")
        pages = range(int(first) - 1, min(int(last), len(doc)))
    extracted_text = []
    for page_num in pages:
        text = doc[page_num].get_text()
        if text.strip():
            if include_metadata:
                extracted_text.append(f"\n--- Page {page_num + 1} ---\n")
            extracted_text.append(text)
            if include_metadata:
                extracted_text.append(f"\n--- End Page {page_num + 1} ---\n")
    with open(output, "w", encoding="utf-8") as f:
        f.write("\n".join(extracted_text))


main()
