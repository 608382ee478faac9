-- The steps of a decision and the signatures of an expenditure are
-- append-only (RULES.md 1.1, §2): the record of who decided and signed what
-- is never rewritten.
CREATE TRIGGER village_decision_steps_no_update BEFORE UPDATE ON village_decision_steps
BEGIN SELECT RAISE(ABORT, 'village_decision_steps is append-only'); END;
CREATE TRIGGER village_decision_steps_no_delete BEFORE DELETE ON village_decision_steps
BEGIN SELECT RAISE(ABORT, 'village_decision_steps is append-only'); END;
CREATE TRIGGER village_expenditure_signs_no_update BEFORE UPDATE ON village_expenditure_signs
BEGIN SELECT RAISE(ABORT, 'village_expenditure_signs is append-only'); END;
CREATE TRIGGER village_expenditure_signs_no_delete BEFORE DELETE ON village_expenditure_signs
BEGIN SELECT RAISE(ABORT, 'village_expenditure_signs is append-only'); END;
