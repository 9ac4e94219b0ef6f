"""Character-multiset F1 of pyforge's PDF text against PyMuPDF's.

    text_f1.py FIXTURES_DIR PYFORGE_TXT_DIR PASSWORDS_JSON

For every FIXTURES_DIR/<stem>.pdf, PyMuPDF's text (each page's get_text(),
as pyforge-cli 1.0.9 took it; authenticated with the password
PASSWORDS_JSON gives the file) is compared with PYFORGE_TXT_DIR/<stem>.txt.
Both are NFKC-normalised (ligatures and presentation forms become letters)
and white space is ignored; F1 is over the multiset of the other characters.
Prints one line per file: name, F1, pyforge's characters, PyMuPDF's.
"""

import collections
import json
import os
import sys
import unicodedata

import pymupdf


def characters(text):
    text = unicodedata.normalize("NFKC", text)
    return collections.Counter(c for c in text if not c.isspace())


def f1(ours, reference):
    if not ours and not reference:
        return 1.0
    common = sum((ours & reference).values())
    if common == 0:
        return 0.0
    precision = common / sum(ours.values())
    recall = common / sum(reference.values())
    return 2 * precision * recall / (precision + recall)


def main():
    fixtures, outputs, passwords = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    pymupdf.TOOLS.mupdf_display_errors(False)
    for name in sorted(os.listdir(fixtures)):
        if not name.endswith(".pdf"):
            continue
        document = pymupdf.open(os.path.join(fixtures, name))
        if document.needs_pass:
            document.authenticate(passwords.get(name, ""))
        reference = characters("".join(page.get_text() for page in document))
        with open(os.path.join(outputs, name[:-4] + ".txt"), encoding="utf-8") as f:
            ours = characters(f.read())
        print(f"{name}\t{f1(ours, reference):.4f}\t{sum(ours.values())}\t{sum(reference.values())}")


main()
