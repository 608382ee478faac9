-- Background jobs (the outbox): a row is inserted in the same transaction as
-- the business change that causes it, so a rolled-back change sends nothing
-- and a committed one always sends. Every time column is written from the
-- injected clock, never from now(), so tests can step a month in seconds.
CREATE TABLE jobs (
	id {{ID}},
	kind TEXT NOT NULL,
	args TEXT NOT NULL DEFAULT '{}',
	state TEXT NOT NULL CHECK (state IN ('available', 'running', 'retryable', 'completed', 'dead')),
	attempt INTEGER NOT NULL DEFAULT 0,
	max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
	run_at {{TS}} NOT NULL,
	-- set while running: past it, the worker is presumed dead and the job is claimable again
	locked_until {{TS}},
	last_error TEXT NOT NULL DEFAULT '',
	-- dedupe across replicas: a second enqueue with the same key is a no-op
	unique_key TEXT UNIQUE,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at);

-- One row per schedule slot that was claimed, failed or missed. The primary
-- key is what makes a slot run exactly once across replicas: only one
-- transaction can insert (name, slot), and the Fire it runs commits with it.
CREATE TABLE schedule_runs (
	name TEXT NOT NULL,
	slot {{TS}} NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('done', 'failed', 'missed')),
	ran_at {{TS}} NOT NULL,
	error TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (name, slot)
);
