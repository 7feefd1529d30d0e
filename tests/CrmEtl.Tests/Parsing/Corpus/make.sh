#!/usr/bin/env bash
# Remakes the corpus: workbooks written by openpyxl and by LibreOffice Calc (Debian python3-openpyxl and
# libreoffice-calc-nogui), read cell by cell against ExcelDataReader by XlsxCorpusTests. The files are committed:
# the test needs neither writer.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/openpyxl_writer.py" "$here"
cp "$here/openpyxl-report.xlsx" "$work/libreoffice-report.xlsx"
cp "$here/openpyxl-1904.xlsx" "$work/libreoffice-1904.xlsx"
printf 'Booking ID,Invoice Date,Total Invoice Value,Payment Status\nUC567-1810,12/11/2025,"1,180.00",Paid\nUC567-1811,13/11/2025 14:05,590.5,Pending\nUC567-1812,,0,Partially Paid\nTotal,,"1,770.50",\n' > "$work/libreoffice-from-csv.csv"
cd "$work"
# Through LibreOffice's own format and back, so the xlsx is Calc's writing, not openpyxl's.
soffice --headless --convert-to ods libreoffice-report.xlsx libreoffice-1904.xlsx >/dev/null
rm libreoffice-report.xlsx libreoffice-1904.xlsx
soffice --headless --convert-to xlsx libreoffice-report.ods libreoffice-1904.ods >/dev/null
soffice --headless --infilter="CSV:44,34,76,1,,2057" --convert-to xlsx libreoffice-from-csv.csv >/dev/null
cp libreoffice-report.xlsx libreoffice-1904.xlsx libreoffice-from-csv.xlsx "$here/"
