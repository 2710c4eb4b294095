"""Writes tests/fixtures/arts_council_grants.xlsx: the Arts Council investment programme export
(../shared/data/west-midlands/uploads, Arts Council England open data) as a funder's workbook has
it: an empty first sheet, then a sheet with title rows (one merged across the columns) above the
header, a formula column and dates; then a notes sheet. Run: python3 scripts/workbook_fixture.py"""
import csv
import datetime
import pathlib

import openpyxl

here = pathlib.Path(__file__).resolve().parent.parent
src = here.parent / "shared/data/west-midlands/uploads/arts-council-investment-programme.csv"
out = here / "tests/fixtures/arts_council_grants.xlsx"

with open(src, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]

wb = openpyxl.Workbook()
wb.active.title = "Cover"  # left empty
ws = wb.create_sheet("Grants")
ws.append(["Arts Council England — Investment Programme 2023-26"])
ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header) + 2)
ws.append(["Source: Arts Council England open data; figures as offered on 4 Nov 2022"])
ws.append([])
ws.append(header + ["Annual x3 (formula)", "Offer date"])
money = header.index("2023-26 Annual Funding (Offered 4 Nov 2022)")
for i, r in enumerate(body, start=5):
    if not any(v.strip() for v in r):
        ws.append([])  # the export's blank lines stay blank rows
        continue
    cells = []
    for j, v in enumerate(r):
        if j == money and v.strip():
            cells.append(float(v.replace(",", "").replace("£", "")))
        else:
            cells.append(v)
    col = openpyxl.utils.get_column_letter(money + 1)
    ws.append(cells + [f"={col}{i}*3", datetime.date(2022, 11, 4)])
notes = wb.create_sheet("Notes")
notes.append(["Column", "Meaning"])
notes.append(["Local authority", "The district of the organisation's address"])
wb.save(out)
print(f"wrote {out} ({out.stat().st_size} bytes, {len(body)} rows)")
