-- V10 made tasks.catalog_entry a stored generated column, indexed with ended_at. Both cost every task update: a
-- generated column is recomputed (reading workflow_task) on each one, and an index over ended_at makes the update
-- that ends a task miss PostgreSQL's heap-only path. The engine now writes the entry's name once, when it inserts
-- the task; the index holds only catalog tasks and no column that changes.
DROP INDEX tasks_by_catalog_entry;
ALTER TABLE tasks DROP COLUMN catalog_entry;
ALTER TABLE tasks ADD COLUMN catalog_entry text;
UPDATE tasks SET catalog_entry = workflow_task -> 'catalog' ->> 'name' WHERE workflow_task -> 'catalog' ->> 'name' IS NOT NULL;
CREATE INDEX tasks_by_catalog_entry ON tasks (tenant_id, catalog_entry) WHERE catalog_entry IS NOT NULL;
