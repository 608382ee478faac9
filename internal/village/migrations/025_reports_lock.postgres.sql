-- A published annual report is immutable (it is posted on the portal).
CREATE FUNCTION reports_published_lock() RETURNS trigger AS $$
BEGIN
	IF OLD.status = 'published' THEN
		RAISE EXCEPTION 'a published report is immutable';
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN OLD;
	END IF;
	RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reports_published_no_change BEFORE UPDATE OR DELETE ON reports
FOR EACH ROW EXECUTE FUNCTION reports_published_lock();
