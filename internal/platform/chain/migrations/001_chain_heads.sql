-- The head of every chain, updated in the same transaction as the append,
-- so that deleting the newest links is detected too.
CREATE TABLE chain_heads (
	chain TEXT PRIMARY KEY,
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL,
	mac TEXT NOT NULL
);
