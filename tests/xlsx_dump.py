#!/usr/bin/env python3
"""Reads an .xlsx workbook with openpyxl, a reader independent of the libxlsxwriter that wrote it,
and prints its first sheet as one JSON object on stdout:

  {"sheets": [names], "freeze_panes": "A2" or null, "auto_filter": "A1:T203" or null,
   "header_bold": true if every cell of row 1 is bold, "rows": [[value, ...], ...]}

Values are as openpyxl reads them: strings, numbers, or null for an empty cell. Used by the C++
tests (tests/xlsx_reader.h) with Debian's /usr/bin/python3 and python3-openpyxl.
Exit status: 0, or 1 with a message on stderr when the file cannot be read.
"""
import json
import sys

import openpyxl


def main():
    if len(sys.argv) != 2:
        print("usage: xlsx_dump.py FILE.xlsx", file=sys.stderr)
        return 1
    try:
        workbook = openpyxl.load_workbook(sys.argv[1])
    except Exception as e:  # any reader failure is the test's failure, with its reason
        print(f"{sys.argv[1]}: openpyxl cannot read it: {e}", file=sys.stderr)
        return 1
    sheet = workbook.worksheets[0]
    header = next(sheet.iter_rows(min_row=1, max_row=1), ())
    out = {
        "sheets": workbook.sheetnames,
        "freeze_panes": sheet.freeze_panes,
        "auto_filter": sheet.auto_filter.ref,
        "header_bold": bool(header) and all(bool(c.font and c.font.b) for c in header),
        "rows": [list(row) for row in sheet.iter_rows(values_only=True)],
    }
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
