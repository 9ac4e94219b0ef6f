#!/usr/bin/env bash
# The PDF robustness sweep: every PDF that a list of Debian documentation and
# font packages ships (real files from pdfTeX, LuaTeX, XeTeX / xdvipdfmx,
# Ghostscript, Acrobat Distiller, cairo, LibreOffice, Microsoft Print to PDF,
# htmldoc, FOP, ReportLab, LilyPond and others), each converted with pyforge,
# one file at a time: no crash, no hang, each converts or fails with one line.
#
#   scripts/pdf-sweep.sh [PYFORGE_BIN]      default target/release/pyforge
#
# The packages (apt-get download, as the machine's apt is configured) are
# unpacked under .peers/pdf-sweep/ (ignored by git); the files are not kept
# in the repository, their results are: tests/pdf/sweep.tsv, one line per
# file (package, path, bytes, producer, pages, outcome, seconds, the error
# line), and a summary on stderr. A file "fails the sweep" when pyforge
# crashed or hung (no exit in --page-timeout × pages), or printed more than one
# error line; a clean error (damaged, encrypted) is an outcome, not a failure.
# Not run by CI: a few hundred MB of downloads, and minutes of reading.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-target/release/pyforge}
[ -x "$bin" ] || { echo "pdf-sweep: $bin is not built (cargo build --release)" >&2; exit 1; }
bin=$(realpath "$bin")
work=.peers/pdf-sweep
out=tests/pdf/sweep.tsv
packages=(
    texlive-latex-recommended-doc texlive-humanities-doc texlive-science-doc
    lilypond-doc-pdf gnuplot-doc asymptote-doc octave-doc maxima-doc dblatex-doc
    ghostscript-doc python-reportlab-doc fop-doc xfig-doc
    fonts-sil-charis fonts-sil-gentiumplus fonts-sil-andika fonts-sil-doulos fonts-sil-abyssinica
    fonts-sil-annapurna fonts-sil-mingzat fonts-sil-padauk fonts-sil-scheherazade
)

mkdir -p "$work/debs" "$work/unpacked" "$work/out"
( cd "$work/debs"
  for package in "${packages[@]}"; do
      ls "$package"_*.deb >/dev/null 2>&1 || apt-get download -q "$package" >/dev/null \
          || echo "pdf-sweep: cannot download $package" >&2
  done )
for deb in "$work"/debs/*.deb; do
    package=$(basename "$deb"); package=${package%%_*}
    if [ ! -d "$work/unpacked/$package" ]; then
        dpkg-deb -x "$deb" "$work/unpacked/$package"
        # Debian compresses some documentation: those PDFs are read unpacked.
        find "$work/unpacked/$package" -type f -name '*.pdf.gz' -exec gunzip -f {} +
    fi
done

printf 'package\tpath\tbytes\tproducer\tpages\toutcome\tseconds\terror\n' > "$out"
total=0; converted=0; refused=0; broken=0
while IFS= read -r -d '' pdf; do
    rel=${pdf#"$work/unpacked/"}
    package=${rel%%/*}; path=/${rel#*/}
    bytes=$(stat -c %s "$pdf")
    info=$("$bin" info --json "$pdf" 2>/dev/null || true)
    producer=$(printf '%s' "$info" | python3 -c 'import json,sys
try: d=json.load(sys.stdin); print((d.get("metadata",{}).get("producer") or "").replace("\t"," ")[:60])
except Exception: print("")')
    pages=$(printf '%s' "$info" | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["pages"])
except Exception: print("")')
    start=$(date +%s.%N)
    set +e
    errors=$(timeout 600 "$bin" convert -q --force "$pdf" "$work/out/sweep.txt" 2>&1 >/dev/null)
    code=$?
    set -e
    seconds=$(python3 -c "import time; print(f'{time.time() - $start:.2f}')")
    lines=$(printf '%s' "$errors" | grep -c '^error:' || true)
    error=$(printf '%s' "$errors" | grep -m1 '^error:' | sed "s|$pdf|<file>|" | tr '\t' ' ' || true)
    total=$((total + 1))
    if [ "$code" = 0 ]; then
        outcome=converted; converted=$((converted + 1))
    elif [ "$code" = 1 ] && [ "$lines" = 1 ]; then
        outcome=refused; refused=$((refused + 1))
    else
        outcome="BROKEN(exit $code, $lines error lines)"; broken=$((broken + 1))
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$package" "$path" "$bytes" "$producer" "$pages" \
        "$outcome" "$seconds" "$error" >> "$out"
done < <(find "$work/unpacked" -type f -iname '*.pdf' -print0 | sort -z)

echo "pdf-sweep: $total PDFs: $converted converted, $refused refused with one line, $broken broken ($out)" >&2
[ "$broken" = 0 ]
