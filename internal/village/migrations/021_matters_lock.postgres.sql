-- A matter's public timeline is append-only (RULES.md §4: a closed matter
-- keeps its public timeline).
CREATE FUNCTION matters_events_lock() RETURNS trigger AS $$
BEGIN
	RAISE EXCEPTION 'matters_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER matters_events_no_change BEFORE UPDATE OR DELETE ON matters_events
FOR EACH ROW EXECUTE FUNCTION matters_events_lock();
