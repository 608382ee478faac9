-- The auth epoch counts changes that can end or narrow what an API token
-- may do: a token revoked, expiring sooner or deleted; an account disabled,
-- locked, renamed or re-linked; a grant added, changed or removed. Each
-- node keeps resolved tokens in memory (tokencache.go) and drops them when
-- this number moves, so the triggers below, not the code paths, are what
-- guarantee that no change is missed: a change made by another replica, by
-- the `zhongshu user` command or by hand in SQL moves it as well.
CREATE TABLE auth_epoch (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n BIGINT NOT NULL
);
INSERT INTO auth_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER auth_epoch_tokens_update AFTER UPDATE ON api_tokens
WHEN OLD.revoked_at IS NOT NEW.revoked_at OR OLD.expires_at IS NOT NEW.expires_at
  OR OLD.user_id IS NOT NEW.user_id OR OLD.token_hash IS NOT NEW.token_hash
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_tokens_delete AFTER DELETE ON api_tokens
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;

-- A successful sign-in rewrites locked_until (NULL to NULL) and
-- last_login_at: only a real change of what a token resolves to counts.
CREATE TRIGGER auth_epoch_users_update AFTER UPDATE ON users
WHEN OLD.disabled IS NOT NEW.disabled OR OLD.locked_until IS NOT NEW.locked_until
  OR OLD.username IS NOT NEW.username OR OLD.display_name IS NOT NEW.display_name
  OR OLD.person_id IS NOT NEW.person_id
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_users_delete AFTER DELETE ON users
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER auth_epoch_roles_insert AFTER INSERT ON user_roles
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_roles_update AFTER UPDATE ON user_roles
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER auth_epoch_roles_delete AFTER DELETE ON user_roles
BEGIN UPDATE auth_epoch SET n = n + 1 WHERE id = 1; END;
