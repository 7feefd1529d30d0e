-- What a model needs to decide from a whole file: the store being loaded, and whether the file is the whole truth
-- of its window (so that what it no longer lists is gone), and an order's mark when the portal stopped listing it.

-- The store code of the load (null for a source without stores).
create function crm_etl_store() returns text
language sql stable parallel safe as $$
    select nullif(current_setting('crmetl.store_code', true), '')
$$;

-- True while loading a file that covers its whole window: its From..To were given (a download, --from/--to, or its
-- canonical name), it is all-or-nothing (so it loaded whole), and it is a load, not a replay. Only such a file may
-- say that a row it does not list is gone.
create function crm_etl_complete_file() returns boolean
language sql stable parallel safe as $$
    select coalesce(nullif(current_setting('crmetl.complete_file', true), '')::boolean, false)
$$;

-- An order a complete file of its window no longer lists: kept, marked since when and by which batch; unmarked when
-- a file lists it again. How long before such an order counts as cancelled is the analysts' rule (a view or model).
alter table orders add column source_missing_since timestamptz;
alter table orders add column source_missing_batch bigint;
create index orders_missing on orders (source_missing_batch) where source_missing_batch is not null;
