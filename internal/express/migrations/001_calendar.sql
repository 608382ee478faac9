-- The working-day calendar (RULES.md §9): China's statutory holidays and
-- the weekend days made working days (调休), kept as data. A day absent
-- from this table is a working day from Monday to Friday and a rest day on
-- Saturday and Sunday.
CREATE TABLE work_calendar (
	day TEXT PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
	name TEXT NOT NULL DEFAULT ''
);
