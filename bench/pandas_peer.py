#!/usr/bin/python3
"""The peer the benchmark compares CrmEtl with: what a pandas script does with the same TumbleDry Order Report.

read_excel of the report (openpyxl, as pandas does for .xlsx), the header row found, the footer rows dropped, the
rows normalised as the TumbleDry model does (IST times, money text, mobiles, statuses, the raw row as JSON), one row
per order (the last), COPY into a temporary table, and the same merge into orders (insert new keys, update changed
ones, leave equal ones). Prints one JSON line of stage timings.

    pandas_peer.py FILE DSN STORE_CODE
"""
import io
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
import psycopg2

warnings.filterwarnings("ignore", module="openpyxl")  # "Workbook contains no default style"

STATUS = {"pending": "Pending", "in process": "In Process", "inprocess": "In Process", "in-process": "In Process",
          "ready": "Ready", "delivered": "Delivered", "cancelled": "Cancelled", "canceled": "Cancelled"}
MONEY = ["Gross Amount", "Discount", "Tax", "Net Amount", "Advance", "Paid", "Balance"]
ORDER_COLUMNS = ["cost_center", "source_system", "source_store_code", "source_order_id", "order_datetime", "order_date",
                 "customer_name", "customer_mobile", "customer_code", "gross_amount", "discount_amount",
                 "taxable_amount", "tax_amount", "net_amount", "payment_status", "order_status", "source_payload",
                 "source_hash"]


def read(path):
    raw = pd.read_excel(path, header=None, dtype=object, engine="openpyxl")
    header = raw.index[raw[0].astype(str).str.strip() == "Order Date / Time"][0]
    frame = raw.iloc[header + 1:].copy()
    frame.columns = [str(c).strip() for c in raw.iloc[header]]
    # footer rows: Total, Total Records, generated-on and powered-by lines have no order number
    return frame[frame["Order No."].notna()].reset_index(drop=True)


def money(column):
    text = column.astype(str).str.replace(",", "", regex=False).str.strip()
    return pd.to_numeric(text.where(column.notna(), "0"), errors="raise").round(2)


def mobile(column):
    digits = column.astype(str).str.replace(r"\.0$", "", regex=True).str.replace(r"[^0-9]", "", regex=True)
    prefix = digits.str[:-10]
    ok = digits.str.len().between(10, 13) & prefix.isin(["", "0", "91", "091"])
    return digits.str[-10:].where(ok & column.notna())


def normalise(frame, store_code, cost_center):
    frame = frame.drop_duplicates("Order No.", keep="last")
    when = pd.to_datetime(frame["Order Date / Time"].astype(str).str.strip(), format="%d %b %Y %I:%M %p")
    amounts = {c: money(frame[c]) for c in MONEY}
    out = pd.DataFrame({
        "cost_center": cost_center,
        "source_system": "TD",
        "source_store_code": store_code,
        "source_order_id": frame["Order No."].astype(str).str.strip(),
        "order_datetime": when.dt.tz_localize("Asia/Kolkata").dt.tz_convert("UTC").dt.strftime("%Y-%m-%d %H:%M:%S+00"),
        "order_date": when.dt.strftime("%Y-%m-%d"),
        "customer_name": frame["Name"].astype("string").str.strip(),
        "customer_mobile": mobile(frame["Phone"]),
        "customer_code": frame["Customer Code"].astype("string").str.strip(),
        "gross_amount": amounts["Gross Amount"],
        "discount_amount": amounts["Discount"],
        "taxable_amount": amounts["Gross Amount"] - amounts["Discount"],
        "tax_amount": amounts["Tax"],
        "net_amount": amounts["Net Amount"],
        "payment_status": np.select([amounts["Balance"] <= 0, (amounts["Paid"] > 0) | (amounts["Advance"] > 0)],
                                    ["Paid", "Partially Paid"], "Pending"),
        "order_status": frame["Order Status"].astype(str).str.strip().str.lower().map(STATUS)
                        .fillna(frame["Order Status"].astype("string").str.strip()),
    })
    # the raw row, every report column, as JSON text; the row's hash over what it became
    out["source_payload"] = frame.to_json(orient="records", lines=True, date_format="iso").splitlines()
    out["source_hash"] = pd.util.hash_pandas_object(out, index=False).astype(str).values
    return out


MERGE = f"""
insert into orders ({", ".join(ORDER_COLUMNS)})
select {", ".join(ORDER_COLUMNS)} from peer_orders
on conflict (cost_center, source_system, source_order_id) do update set
    {", ".join(f"{c} = excluded.{c}" for c in ORDER_COLUMNS[4:])}, updated_at = now()
where orders.source_hash is distinct from excluded.source_hash
"""


def load(dsn, frame):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("""create temp table peer_orders (
            cost_center text, source_system text, source_store_code text, source_order_id text, order_datetime timestamptz,
            order_date date, customer_name text, customer_mobile text, customer_code text, gross_amount numeric(12,2),
            discount_amount numeric(12,2), taxable_amount numeric(12,2), tax_amount numeric(12,2), net_amount numeric(12,2),
            payment_status text, order_status text, source_payload jsonb, source_hash text)""")
        started = time.monotonic()
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False)
        buffer.seek(0)
        cur.copy_expert(f"copy peer_orders ({', '.join(ORDER_COLUMNS)}) from stdin csv", buffer)
        copied = time.monotonic()
        cur.execute("analyze peer_orders")
        cur.execute(MERGE)
        merged = cur.rowcount
        conn.commit()
        return copied - started, time.monotonic() - copied, merged


def main():
    path, dsn, store_code = sys.argv[1:4]
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("select cost_center from cost_centers where crm = 'td' and store_code = %s", (store_code,))
        cost_center = cur.fetchone()[0]
    started = time.monotonic()
    frame = read(path)
    read_s = time.monotonic() - started
    out = normalise(frame, store_code, cost_center)
    normalise_s = time.monotonic() - started - read_s
    copy_s, merge_s, merged = load(dsn, out)
    print(json.dumps({"rows": len(frame), "merged": merged, "read_s": read_s, "normalise_s": normalise_s,
                      "copy_s": copy_s, "merge_s": merge_s, "total_s": time.monotonic() - started}))


if __name__ == "__main__":
    main()
