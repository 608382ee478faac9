-- A published annual report is immutable (it is posted on the portal).
CREATE TRIGGER reports_published_no_update BEFORE UPDATE ON reports WHEN OLD.status = 'published'
BEGIN SELECT RAISE(ABORT, 'a published report is immutable'); END;
CREATE TRIGGER reports_published_no_delete BEFORE DELETE ON reports WHEN OLD.status = 'published'
BEGIN SELECT RAISE(ABORT, 'a published report is immutable'); END;
