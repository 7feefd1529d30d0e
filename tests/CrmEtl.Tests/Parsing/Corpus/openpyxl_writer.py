#!/usr/bin/python3
# Writes workbooks the way openpyxl does (the writer behind many Python exports), for the reader's corpus.
import datetime as dt, decimal, sys
from openpyxl import Workbook
from openpyxl.styles import Font

out = sys.argv[1]

def report(ws):
    ws.append(["Order Date / Time", "Order No.", "Name", "Net Amount", "Paid", "Due", "Time", "Took", "Flag", "Note"])
    base = dt.datetime(2025, 11, 12, 9, 5)
    for i in range(40):
        t = base + dt.timedelta(minutes=17 * i, seconds=i)
        ws.append([
            t if i % 3 else t.strftime("%d %b %Y %I:%M %p"),
            f"T{24017 + i}",
            ["Priya Sharma", "Ünïcödé ₹ Name", "a & b <c>", "  spaced  ", "x" * 300][i % 5],
            round(120.5 * (i + 1) + 0.25, 2),
            None if i % 4 == 0 else f"{1234.5 * i:,.2f}",
            (base + dt.timedelta(days=2)).date(),
            dt.time(10 + i % 10, (7 * i) % 60, (11 * i) % 60),
            dt.timedelta(hours=i % 30, minutes=i),
            bool(i % 2),
            "=1+1" if i == 7 else (i * 1e-7 if i % 9 == 0 else -i),
        ])
        ws.cell(row=ws.max_row, column=7).number_format = "hh:mm:ss"
        ws.cell(row=ws.max_row, column=8).number_format = "[h]:mm:ss"
    ws.append(["Total", None, None, sum(round(120.5 * (i + 1) + 0.25, 2) for i in range(40))])
    ws.append(["Total Records : 40"])
    ws["A1"].font = Font(bold=True)
    ws.merge_cells("B44:D44")

wb = Workbook(); report(wb.active); wb.active.title = "Order Report"; wb.create_sheet("Second").append(["only on sheet 2"])
wb.save(f"{out}/openpyxl-report.xlsx")

wb = Workbook(); report(wb.active); wb.epoch = __import__("openpyxl").utils.datetime.CALENDAR_MAC_1904
wb.save(f"{out}/openpyxl-1904.xlsx")

wb = Workbook(write_only=True); ws = wb.create_sheet("streamed")
ws.append(["id", "when", "amount", "text"])
for i in range(500):
    ws.append([i, dt.datetime(2026, 1, 1) + dt.timedelta(hours=7 * i), decimal.Decimal(i) / 8, f"row {i}\nsecond line" if i % 50 == 0 else f"row {i}"])
wb.save(f"{out}/openpyxl-write-only.xlsx")
