#!/usr/bin/python3
"""Reads an XLSX file with openpyxl (Debian python3-openpyxl, independent of the server's
libxlsxwriter) and a CSV file (UTF-8 with a byte-order mark) with Python's csv module, and checks
that they hold the same rows.
Usage: xlsx_matches_csv.py FILE.xlsx FILE.csv. Exit 0 and prints 'rows: N' when they match;
exit 1 with the first difference otherwise."""
import csv
import sys

import openpyxl


def cell_text(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def main():
    xlsx_path, csv_path = sys.argv[1], sys.argv[2]
    wb = openpyxl.load_workbook(xlsx_path, read_only=True)
    ws = wb.worksheets[0]
    xrows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    # The export starts with the UTF-8 byte-order mark (for Excel); utf-8-sig reads it as the
    # signature it is, not as a character of the first header cell.
    with open(csv_path, "rb") as f:
        if not f.read(3) == b"\xef\xbb\xbf":
            print("the CSV does not start with the UTF-8 byte-order mark")
            return 1
    with open(csv_path, newline="", encoding="utf-8-sig") as f:
        crows = list(csv.reader(f))
    # Trailing empty cells are not stored in XLSX.
    strip = lambda r: r[: max([i + 1 for i, c in enumerate(r) if c != ""], default=0)]
    xrows = [strip(r) for r in xrows]
    crows = [strip(r) for r in crows]
    if len(xrows) != len(crows):
        print(f"row count differs: xlsx {len(xrows)}, csv {len(crows)}")
        return 1
    for i, (x, c) in enumerate(zip(xrows, crows)):
        if x != c:
            print(f"row {i + 1} differs:\n  xlsx {x}\n  csv  {c}")
            return 1
    print(f"rows: {len(crows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
