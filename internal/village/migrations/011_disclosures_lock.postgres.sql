-- A published disclosure and its items are never edited or deleted
-- (RULES.md §3 "published items are never edited"; SECURITY.md §7.6): the
-- store itself refuses, whoever writes. Drafts stay editable.
CREATE FUNCTION village_disclosures_lock() RETURNS trigger AS $$
BEGIN
	IF OLD.status <> 'draft' THEN
		RAISE EXCEPTION 'village_disclosures: disclosure % is published and immutable; publish a correction', OLD.id;
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN OLD;
	END IF;
	RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER village_disclosures_no_change BEFORE UPDATE OR DELETE ON village_disclosures
FOR EACH ROW EXECUTE FUNCTION village_disclosures_lock();
CREATE FUNCTION village_disclosure_items_lock() RETURNS trigger AS $$
DECLARE
	st TEXT;
BEGIN
	IF TG_OP <> 'INSERT' THEN
		SELECT status INTO st FROM village_disclosures WHERE id = OLD.disclosure_id;
		IF st IS NOT NULL AND st <> 'draft' THEN
			RAISE EXCEPTION 'village_disclosure_items: disclosure % is published', OLD.disclosure_id;
		END IF;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		SELECT status INTO st FROM village_disclosures WHERE id = NEW.disclosure_id;
		IF st IS NOT NULL AND st <> 'draft' THEN
			RAISE EXCEPTION 'village_disclosure_items: disclosure % is published', NEW.disclosure_id;
		END IF;
		RETURN NEW;
	END IF;
	RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER village_disclosure_items_no_change BEFORE INSERT OR UPDATE OR DELETE ON village_disclosure_items
FOR EACH ROW EXECUTE FUNCTION village_disclosure_items_lock();
