-- The team on whose behalf an execution runs: the owner of its registered definition, or for an inline definition
-- the team of the caller (or parent) that started it. Run-time composition checks (which workflows it may start,
-- which task types it may queue) are made for this team. NULL: started before teams, or by a tenant administrator
-- acting for no team.
ALTER TABLE workflows ADD COLUMN owner_team text;
