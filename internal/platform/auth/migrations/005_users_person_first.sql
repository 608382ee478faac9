-- directory.MembersOf reads each member's first account, MIN(id) of the
-- users with that person_id. With users keyed (person_id) alone,
-- PostgreSQL plans that MIN as a walk of the users' primary key in id
-- order, filtered by the person: every user for every member (issue 8: the
-- morning push to 20,000 members in 445 branches took 35 s, 6 ms a
-- member). Keyed (person_id, id), the MIN is the first entry of the
-- person's range on both stores.
CREATE INDEX users_person_first ON users (person_id, id);
DROP INDEX IF EXISTS users_person;
