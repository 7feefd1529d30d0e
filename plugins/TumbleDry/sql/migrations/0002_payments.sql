-- The Sales & Delivery report (payments): its staging, one row per payment in order_payments, and the two rules the
-- models share: how a payment mode is spelled, and what an order's payments say about it.

create table stg_td_sales_report (
    order_date             timestamp,
    payment_date           timestamp,      -- IST wall-clock time as the portal shows it
    order_number           text,
    customer_code          text,
    customer_name          text,
    customer_address       text,
    customer_mobile        text,
    payment_received       numeric,
    adjustments            numeric,
    balance                numeric,
    accept_by              text,
    payment_mode           text,
    online_transaction_id  text,
    payment_made_at        text,
    type                   text,
    -- lineage (filled by the host)
    source_system          text not null,
    store_code             text,
    cost_center            text,
    file_md5               text,
    load_batch_id          bigint not null,
    source_sheet           text,
    source_row_number      bigint not null,
    extra_columns          jsonb,
    row_hash               text
);

-- One row per payment of a TumbleDry order (a package redemption is a payment too). An order can be paid twice in
-- the same second (a split bill: part UPI, part cash), so a payment is its order, its time and its place among the
-- order's payments of that time.
create table order_payments (
    id                     bigserial primary key,
    cost_center            text not null,
    source_system          text not null,
    source_store_code      text,
    source_order_id        text not null,      -- orders.source_order_id (the report's Order Number)
    paid_at                timestamptz not null,
    payment_seq            int not null,       -- 1, 2, ... among the order's payments at paid_at
    payment_date           date not null,      -- IST
    order_date             date,
    payment_mode           text,               -- normalised: UPI, Cash, Card, Package, Bank Transfer, or as written
    amount                 numeric(12,2) not null,
    adjustments            numeric(12,2) not null,
    balance                numeric(12,2),      -- what the order still owed after this payment
    transaction_id         text,
    accepted_by            text,
    made_at                text,
    payment_type           text,
    customer_code          text,
    customer_name          text,
    customer_mobile        text,
    source_payload         jsonb,
    source_hash            text not null,
    load_batch_id          bigint,
    source_row_hash        text,
    created_at             timestamptz default now(),
    updated_at             timestamptz default now(),
    unique (cost_center, source_order_id, paid_at, payment_seq)
);

create index order_payments_day on order_payments (cost_center, payment_date);
create index order_payments_batch on order_payments (load_batch_id);

-- ' upi ', 'CASH', 'bank  transfer' -> UPI, Cash, Bank Transfer; a mode the portal adds is kept as written (trimmed);
-- a blank one is 'Unspecified'.
create function td_payment_mode(mode text) returns text
language sql immutable parallel safe as $$
    select case lower(regexp_replace(btrim(coalesce(mode, '')), '\s+', ' ', 'g'))
        when ''              then 'Unspecified'
        when 'upi'           then 'UPI'
        when 'cash'          then 'Cash'
        when 'card'          then 'Card'
        when 'package'       then 'Package'
        when 'bank transfer' then 'Bank Transfer'
        else regexp_replace(btrim(mode), '\s+', ' ', 'g')
    end
$$;

-- An order's payments: the sum received per mode ({"UPI": 500.00, "Cash": 265.82}; null when it has none), all it
-- received with adjustments, and the balance its latest payment left.
create function td_order_payments(p_cost_center text, p_order_id text)
returns table (payment_mode_summary jsonb, paid numeric, last_balance numeric)
language sql stable parallel safe as $$
    select (select jsonb_object_agg(m.payment_mode, m.amount order by m.payment_mode)
            from (select p.payment_mode, sum(p.amount) as amount
                  from order_payments p
                  where p.cost_center = p_cost_center and p.source_order_id = p_order_id
                  group by p.payment_mode) m),
           (select sum(p.amount + p.adjustments) from order_payments p
            where p.cost_center = p_cost_center and p.source_order_id = p_order_id),
           (select p.balance from order_payments p
            where p.cost_center = p_cost_center and p.source_order_id = p_order_id
            order by p.paid_at desc, p.payment_seq desc limit 1)
$$;

-- Paid when the Order Report says nothing is owed, the latest payment left nothing owing, or the payments cover the
-- net amount; Partially Paid when anything was paid; else Pending.
create function td_payment_status(net_amount numeric, balance numeric, paid numeric, advance numeric,
                                  payments numeric, last_balance numeric) returns text
language sql immutable parallel safe as $$
    select case
        when balance <= 0 or last_balance <= 0 or payments >= net_amount then 'Paid'
        when payments > 0 or paid > 0 or advance > 0 then 'Partially Paid'
        else 'Pending'
    end
$$;
