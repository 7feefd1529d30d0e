-- Helpers the transforms in sql/transforms call. Functions live here (not in the transforms) because
-- transforms run inside every load and two loads may run at once.

-- The batch a transform works on: the host sets crmetl.load_batch_id for each run.
-- In psql:  set crmetl.load_batch_id = 42;  then run the transform files by hand.
create function crm_etl_batch() returns bigint
language sql stable as $$
    select nullif(current_setting('crmetl.load_batch_id', true), '')::bigint
$$;

-- A 10-digit Indian mobile number from what the portals write (+91, a leading 0, spaces, dashes,
-- a number cell); null when what is left is not 10 digits.
create function normalise_mobile(raw text) returns text
language sql immutable as $$
    select case
        when length(d) = 10 then d
        when length(d) = 12 and d like '91%' then right(d, 10)
        when length(d) = 11 and d like '0%' then right(d, 10)
        when length(d) = 13 and d like '091%' then right(d, 10)
        else null
    end
    from (select regexp_replace(coalesce(raw, ''), '[^0-9]', '', 'g') as d) digits
$$;
