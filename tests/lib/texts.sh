#!/bin/sh
# texts.sh SRC DST - the text of every file under SRC, one file each under DST
# at the same relative path, for tests that search outputs for personal
# numbers (tests/cases/mask/all_outputs, tests/t/public_folder.sh):
#   .pdf         pdftotext -enc UTF-8            -> DST/x.pdf.txt
#   .docx        word/*.xml, tags as line breaks -> DST/x.docx.txt
#   .xlsx        xl/sharedStrings.xml and xl/worksheets/*.xml, the same
#                                                -> DST/x.xlsx.txt
#   anything else (HTML, SVG, CSV, .txt, and a stray .db or image) is copied
#   as it is, so that a file that should not be there is searched too.
# Tags become line breaks so that two cells never run together into one
# number; a caller that wants numbers split across lines removes them itself.
# Exit 1 when a tool is missing or a file cannot be read.
set -u
src=$1
dst=$2
for tool in pdftotext unzip; do
	command -v "$tool" >/dev/null || { echo "texts.sh: $tool missing"; exit 1; }
done
rc=0
mkdir -p "$dst" && cp -R "$src/." "$dst/" || exit 1
# names may hold CJK characters and spaces, never line breaks (outdir refuses them)
find "$dst" -type f \( -name '*.pdf' -o -name '*.docx' -o -name '*.xlsx' \) >"$dst.files" || exit 1
while IFS= read -r f; do
	case "$f" in
	*.pdf) pdftotext -enc UTF-8 "$f" "$f.txt" 2>/dev/null || { echo "texts.sh: pdftotext failed on $f"; rc=1; } ;;
	*.docx) unzip -p "$f" 'word/*.xml' 2>/dev/null | sed 's/<[^>]*>/\n/g' >"$f.txt" ;;
	*.xlsx) unzip -p "$f" xl/sharedStrings.xml 'xl/worksheets/*.xml' 2>/dev/null | sed 's/<[^>]*>/\n/g' >"$f.txt" ;;
	esac
	[ -s "$f.txt" ] || { echo "texts.sh: no text from $f"; rc=1; }
	rm -f "$f"
done <"$dst.files"
rm -f "$dst.files"
exit $rc
