-- Documents the instance lists in Deleted Document: marked deleted (kept, with their data), once.
-- target:      erp_documents
-- key:         instance, doctype, name
-- materialize: update
select
    b.instance,
    b.doctype,
    b.name,
    coalesce(d.deleted_at, now()) as deleted_at
from batch b
join erp_documents d on d.instance = b.instance and d.doctype = b.doctype and d.name = b.name
where b.kind = 'deleted'
