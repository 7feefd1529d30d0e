-- The Laundromat plugin's own schema: its staging table and its one store.
create table stg_lm_sales (
    bill               text,
    bill_date          timestamp,
    customer           text,
    amount             numeric,
    source_system      text not null default 'LM',
    store_code         text not null,
    cost_center        text,
    file_md5           text not null,
    load_batch_id      bigint not null,
    source_row_number  bigint not null,
    extra_columns      jsonb
);

insert into cost_centers (crm, store_id, store_code, store_name, cost_center)
values ('lm', 'shop1', 'LM01', 'Test Shop', 'TS0001');
