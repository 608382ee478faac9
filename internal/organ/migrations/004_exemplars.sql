-- Exemplar selection (机关标兵选树): rounds, nominations, a secret vote and
-- the publicity (公示) of the result.
--
-- SECRECY: a ballot is stored as two facts that are never joined: that a
-- voter voted in a round (exemplars_voted, which names no nominee) and the
-- running count per nominee (exemplars_tallies, which names no voter). Both
-- are written in one transaction; nothing records who chose whom.
CREATE TABLE exemplars_rounds (
	id {{ID}},
	title TEXT NOT NULL,
	year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	quota INTEGER NOT NULL CHECK (quota BETWEEN 1 AND 50),
	nominate_from TEXT NOT NULL,
	nominate_to TEXT NOT NULL,
	vote_to TEXT NOT NULL,
	publicity_to TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	CHECK (nominate_from <= nominate_to AND nominate_to < vote_to AND vote_to < publicity_to)
);

CREATE TABLE exemplars_nominations (
	id {{ID}},
	round_id BIGINT NOT NULL REFERENCES exemplars_rounds(id),
	person_id BIGINT NOT NULL REFERENCES people(id),
	branch_id BIGINT NOT NULL REFERENCES branches(id),
	reason TEXT NOT NULL,
	nominated_by BIGINT NOT NULL DEFAULT 0,
	nominated_at {{TS}} NOT NULL,
	removed BOOLEAN NOT NULL DEFAULT FALSE,
	UNIQUE (round_id, person_id)
);

-- That a voter voted: one row per voter and round, the UNIQUE key refuses a
-- second ballot. No nominee, no time.
CREATE TABLE exemplars_voted (
	round_id BIGINT NOT NULL REFERENCES exemplars_rounds(id),
	voter_person_id BIGINT NOT NULL REFERENCES people(id),
	UNIQUE (round_id, voter_person_id)
);

-- The count per nominee. No voter.
CREATE TABLE exemplars_tallies (
	round_id BIGINT NOT NULL REFERENCES exemplars_rounds(id),
	nomination_id BIGINT NOT NULL REFERENCES exemplars_nominations(id),
	votes INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0),
	UNIQUE (round_id, nomination_id)
);

-- Objections raised during publicity, reviewed by the committee: upheld
-- removes the nominee from the list, dismissed keeps them.
CREATE TABLE exemplars_objections (
	id {{ID}},
	nomination_id BIGINT NOT NULL REFERENCES exemplars_nominations(id),
	body TEXT NOT NULL,
	filed_by BIGINT NOT NULL DEFAULT 0,
	filed_at {{TS}} NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'upheld', 'dismissed')),
	review_note TEXT NOT NULL DEFAULT '',
	reviewed_by BIGINT NOT NULL DEFAULT 0,
	reviewed_at {{TS}}
);
CREATE INDEX exemplars_objections_nomination ON exemplars_objections (nomination_id);
