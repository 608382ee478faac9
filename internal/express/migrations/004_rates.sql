-- The ranking weights of the three rates (RULES.md §7: response 30%,
-- resolution 35%, satisfaction 35%; config). One row.
CREATE TABLE rates_weights (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	response INTEGER NOT NULL CHECK (response BETWEEN 0 AND 100),
	resolution INTEGER NOT NULL CHECK (resolution BETWEEN 0 AND 100),
	satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 0 AND 100),
	updated_at {{TS}}
);
INSERT INTO rates_weights (id, response, resolution, satisfaction) VALUES (1, 30, 35, 35);
