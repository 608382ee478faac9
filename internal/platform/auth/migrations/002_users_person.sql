-- directory.MembersOf looks up each member's account by person_id (a
-- per-member subquery); without an index that is a scan of users per member.
CREATE INDEX IF NOT EXISTS users_person ON users (person_id);
