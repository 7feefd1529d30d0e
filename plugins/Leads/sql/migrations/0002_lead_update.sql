-- A person's change to a lead, the one way both `leads update` and the web page make it: status (the next follow-up
-- from its days, IST), priority, owner, and a line in lead_status_history. Returns the status before and after;
-- no row when there is no such lead. An unknown status or priority raises 22023 naming the allowed values.
create function lead_update(p_lead_id bigint, p_status text, p_priority text, p_assign text, p_note text, p_by text)
returns table (old_status text, new_status text)
language plpgsql as $$
declare
    v_old text;
    v_status text;
    v_priority text;
begin
    if p_status is not null then
        select s.status into v_status from lead_statuses s where lower(s.status) = lower(btrim(p_status));
        if v_status is null then
            raise exception 'status ''%'' is not a lead status; one of: %', p_status,
                (select string_agg(s.status, ', ' order by s.position) from lead_statuses s) using errcode = '22023';
        end if;
    end if;
    if p_priority is not null then
        v_priority := (select p from unnest(array['Low', 'Medium', 'High', 'Urgent']) p where lower(p) = lower(btrim(p_priority)));
        if v_priority is null then
            raise exception 'priority ''%'' is not a priority; one of: Low, Medium, High, Urgent', p_priority using errcode = '22023';
        end if;
    end if;
    select l.status into v_old from leads l where l.lead_id = p_lead_id for update;
    if not found then
        return;
    end if;
    update leads l set
        status = coalesce(v_status, l.status),
        status_changed_at = case when v_status is not null and v_status <> l.status then now() else l.status_changed_at end,
        next_follow_up = case when v_status is not null and v_status <> l.status
                              then (now() at time zone 'Asia/Kolkata')::date
                                   + (select s.follow_up_days from lead_statuses s where s.status = v_status)
                              else l.next_follow_up end,
        priority = coalesce(v_priority, l.priority),
        assigned_to = coalesce(nullif(btrim(p_assign), ''), l.assigned_to),
        set_by_person = true,
        updated_at = now()
    where l.lead_id = p_lead_id;
    insert into lead_status_history (lead_id, old_status, new_status, note, changed_by)
    values (p_lead_id, v_old, coalesce(v_status, v_old),
            nullif(concat_ws('; ', nullif(btrim(p_note), ''),
                             'priority ' || v_priority,
                             'assigned to ' || nullif(btrim(p_assign), '')), ''),
            p_by);
    return query select v_old, coalesce(v_status, v_old);
end
$$;
