-- A file's data rows, next to the rows staged: a load leaves out of staging the rows its store's orders already
-- hold as they are (most of a scheduled run's rows), so rows_staged alone no longer says how big the file was.
-- Null for runs recorded before.
alter table ingest_audit add column rows_read bigint;
