-- The column 《党史天天学》: articles with a publish time (visible to
-- learners from then on, by the injected clock; drafts and scheduled ones
-- are the editors'), a body of sanitised HTML, and read tracking.
CREATE TABLE study_articles (
	id {{ID}},
	title TEXT NOT NULL,
	author TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL DEFAULT '',
	publish_at {{TS}} NOT NULL,
	-- The zone day of publish_at, for ranges and figures (articles_pushed).
	publish_day TEXT NOT NULL,
	draft BOOLEAN NOT NULL DEFAULT FALSE,
	body TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{TS}} NOT NULL,
	updated_at {{TS}} NOT NULL,
	-- When the morning push (study.column_push) posted it to the zone's
	-- channels: each article is posted once.
	pushed_at {{TS}}
);
CREATE INDEX study_articles_publish ON study_articles (publish_at);
CREATE INDEX study_articles_day ON study_articles (publish_day);

-- A read starts when the article page is opened (started_at, by the
-- server's clock) and counts when the reader says "我已读完" after the
-- minimum reading time (counted_at). One row per reader and article.
CREATE TABLE study_article_reads (
	person_id BIGINT NOT NULL REFERENCES people (id),
	article_id BIGINT NOT NULL REFERENCES study_articles (id),
	started_at {{TS}} NOT NULL,
	counted_at {{TS}},
	PRIMARY KEY (person_id, article_id)
);
CREATE INDEX study_article_reads_article ON study_article_reads (article_id);
