-- Who is told of a demand (usersWith: the office on a raise, a
-- department's staff on a routing) is looked up by role and scope on every
-- raise and transition; user_roles' key starts with the user, so without
-- this index each lookup read every user (issue 8: a tenth of a demand
-- request's CPU with a few dozen users, and growing with the zone's
-- member accounts).
CREATE INDEX user_roles_role_scope ON user_roles (role, scope_kind, scope_id);
