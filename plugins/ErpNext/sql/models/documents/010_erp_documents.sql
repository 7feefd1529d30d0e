-- One row per document, the whole document as the API gave it; a document listed again after its deletion is back.
-- target:  erp_documents
-- key:     instance, doctype, name
-- version: modified
select
    b.instance,
    b.doctype,
    b.name,
    b.modified,
    b.docstatus::smallint   as docstatus,
    b.document_data,
    null::timestamptz       as deleted_at
from batch b
where b.kind = 'document'
