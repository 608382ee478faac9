package study

import (
	"context"
	"sync"
	"time"

	"zhongshu/internal/platform/db"
)

// dailyDayFresh is how long a replica trusts its copy of a day's sentence
// and point rules (issue 8: they were three of the four reads of every
// check-in). Within this process every write of a sentence or a rule drops
// the copy at once; a change made through another replica is seen here
// within dailyDayFresh. Today's sentence and rules are history once the day
// has begun (the service refuses to change them), so in practice the copy
// never goes stale — the bound is for writes that bypass the service.
const dailyDayFresh = 5 * time.Second

// dailyDay is what every check-in of a zone day reads: the sentence, the
// answers its recitation expects, and the read and recite point rules.
type dailyDay struct {
	day      string
	sentence *Sentence
	segs     []ClozeSegment // shared: read only
	cloze    string
	expect   []string
	read     PointRule
	recite   PointRule
}

// dailyDayCache holds the copy for one zone day; a new day replaces it.
// version counts invalidations, so a fill that began before one is not
// stored.
type dailyDayCache struct {
	mu      sync.Mutex
	version uint64
	cur     *dailyDay
	at      time.Time
}

// dailyInvalidate drops the copy now and, when ctx carries a transaction,
// again once it commits (a fill that read before the commit cannot stay).
func (m *Module) dailyInvalidate(ctx context.Context) {
	c := &m.dayCache
	drop := func() {
		c.mu.Lock()
		c.version++
		c.cur = nil
		c.mu.Unlock()
	}
	drop()
	if tx := db.TxFrom(ctx); tx != nil {
		tx.AfterCommit(drop)
	}
}

// dailyDayOf returns the sentence and check-in point rules of day, from
// the copy when it is of that day and fresh, else from the store. No
// sentence scheduled is (nil, nil) and is never cached. Inside a
// transaction it reads through the transaction and leaves the copy alone.
func (m *Module) dailyDayOf(ctx context.Context, day string) (*dailyDay, error) {
	c := &m.dayCache
	inTx := db.TxFrom(ctx) != nil
	var ver uint64
	if !inTx {
		c.mu.Lock()
		if c.cur != nil && c.cur.day == day && time.Since(c.at) <= dailyDayFresh {
			d := c.cur
			c.mu.Unlock()
			return d, nil
		}
		ver = c.version
		c.mu.Unlock()
	}
	q := m.DB.Q(ctx)
	s, err := dailySentenceOn(ctx, q, day)
	if err != nil || s == nil {
		return nil, err
	}
	d := &dailyDay{day: day, sentence: s}
	d.segs, d.cloze, d.expect = MakeCloze(s.Text, s.KeyPhrases)
	if d.read, err = rule(ctx, q, ActSentenceRead, day); err != nil {
		return nil, err
	}
	if d.recite, err = rule(ctx, q, ActSentenceRecite, day); err != nil {
		return nil, err
	}
	if !inTx {
		c.mu.Lock()
		if c.version == ver {
			c.cur, c.at = d, time.Now()
		}
		c.mu.Unlock()
	}
	return d, nil
}
