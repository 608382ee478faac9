-- A matter's public timeline is append-only (RULES.md §4: a closed matter
-- keeps its public timeline).
CREATE TRIGGER matters_events_no_update BEFORE UPDATE ON matters_events
BEGIN SELECT RAISE(ABORT, 'matters_events is append-only'); END;
CREATE TRIGGER matters_events_no_delete BEFORE DELETE ON matters_events
BEGIN SELECT RAISE(ABORT, 'matters_events is append-only'); END;
