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

CREATE FUNCTION auth_epoch_bump() RETURNS trigger AS $$
BEGIN
	UPDATE auth_epoch SET n = n + 1 WHERE id = 1;
	RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER auth_epoch_tokens_update AFTER UPDATE ON api_tokens FOR EACH ROW
WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
  OR OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.token_hash IS DISTINCT FROM NEW.token_hash)
EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_tokens_delete AFTER DELETE ON api_tokens FOR EACH STATEMENT
EXECUTE FUNCTION auth_epoch_bump();

-- A successful sign-in rewrites locked_until (NULL to NULL) and
-- last_login_at: only a real change of what a token resolves to counts.
CREATE TRIGGER auth_epoch_users_update AFTER UPDATE ON users FOR EACH ROW
WHEN (OLD.disabled IS DISTINCT FROM NEW.disabled OR OLD.locked_until IS DISTINCT FROM NEW.locked_until
  OR OLD.username IS DISTINCT FROM NEW.username OR OLD.display_name IS DISTINCT FROM NEW.display_name
  OR OLD.person_id IS DISTINCT FROM NEW.person_id)
EXECUTE FUNCTION auth_epoch_bump();
CREATE TRIGGER auth_epoch_users_delete AFTER DELETE ON users FOR EACH STATEMENT
EXECUTE FUNCTION auth_epoch_bump();

CREATE TRIGGER auth_epoch_roles_change AFTER INSERT OR UPDATE OR DELETE ON user_roles FOR EACH STATEMENT
EXECUTE FUNCTION auth_epoch_bump();
