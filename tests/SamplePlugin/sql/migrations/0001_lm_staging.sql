-- The Laundromat plugin's own schema: its staging table (with the lineage every staging table has) and its one store.
create table stg_lm_sales (
    bill               text,
    bill_date          timestamp,
    customer           text,
    amount             numeric,
    source_system      text not null,
    store_code         text,
    cost_center        text,
    file_md5           text,
    load_batch_id      bigint not null,
    source_sheet       text,
    source_row_number  bigint not null,
    extra_columns      jsonb,
    row_hash           text
);

insert into cost_centers (crm, store_id, store_code, store_name, cost_center)
values ('lm', 'shop1', 'LM01', 'Test Shop', 'TS0001');
