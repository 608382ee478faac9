-- A published disclosure and its items are never edited or deleted
-- (RULES.md §3 "published items are never edited"; SECURITY.md §7.6): the
-- store itself refuses, whoever writes. Drafts stay editable.
CREATE TRIGGER village_disclosures_no_update BEFORE UPDATE ON village_disclosures
WHEN OLD.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'village_disclosures: a published disclosure is immutable; publish a correction'); END;
CREATE TRIGGER village_disclosures_no_delete BEFORE DELETE ON village_disclosures
WHEN OLD.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'village_disclosures: a published disclosure is immutable; publish a correction'); END;
CREATE TRIGGER village_disclosure_items_no_insert BEFORE INSERT ON village_disclosure_items
WHEN (SELECT status FROM village_disclosures WHERE id = NEW.disclosure_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'village_disclosure_items: the disclosure is published'); END;
CREATE TRIGGER village_disclosure_items_no_update BEFORE UPDATE ON village_disclosure_items
WHEN (SELECT status FROM village_disclosures WHERE id = OLD.disclosure_id) <> 'draft'
  OR (SELECT status FROM village_disclosures WHERE id = NEW.disclosure_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'village_disclosure_items: the disclosure is published'); END;
CREATE TRIGGER village_disclosure_items_no_delete BEFORE DELETE ON village_disclosure_items
WHEN (SELECT status FROM village_disclosures WHERE id = OLD.disclosure_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'village_disclosure_items: the disclosure is published'); END;
