-- What a staged row's payload is, in one place for every source: the row (as jsonb) without the columns the
-- host adds for lineage, plus the columns the portal added (its extra_columns).
-- also_drop: report columns a source leaves out as well (UClean: s_no, the row's position in the file).
-- One expression using each argument once, so it is inlined and to_jsonb runs once per row.
create function staged_payload(staged jsonb, extra_columns jsonb, also_drop text[] default '{}') returns jsonb
language sql immutable parallel safe as $$
    select (staged - array['source_system', 'store_code', 'cost_center', 'file_md5', 'load_batch_id',
                           'source_row_number', 'extra_columns', 'row_hash'] - also_drop)
           || coalesce(extra_columns, '{}'::jsonb)
$$;
