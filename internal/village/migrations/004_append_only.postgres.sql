-- The steps of a decision and the signatures of an expenditure are
-- append-only (RULES.md 1.1, §2): the record of who decided and signed what
-- is never rewritten.
CREATE FUNCTION village_decision_steps_lock() RETURNS trigger AS $$
BEGIN
	RAISE EXCEPTION 'village_decision_steps is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER village_decision_steps_no_change BEFORE UPDATE OR DELETE ON village_decision_steps
FOR EACH ROW EXECUTE FUNCTION village_decision_steps_lock();
CREATE FUNCTION village_expenditure_signs_lock() RETURNS trigger AS $$
BEGIN
	RAISE EXCEPTION 'village_expenditure_signs is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER village_expenditure_signs_no_change BEFORE UPDATE OR DELETE ON village_expenditure_signs
FOR EACH ROW EXECUTE FUNCTION village_expenditure_signs_lock();
