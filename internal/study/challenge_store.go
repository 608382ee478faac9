package study

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/platform/audit"
	"zhongshu/internal/platform/auth"
	"zhongshu/internal/platform/clock"
	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Challenge statuses, in the order a competition goes through them.
const (
	ChallengeRegistration = "registration" // rounds are written, players register
	ChallengeOpen         = "open"         // players take the rounds
	ChallengeClosed       = "closed"       // no more answers
	ChallengePublished    = "published"    // results visible to every learner
)

// Limits of a challenge's content (config by code; chosen so one round fits
// on a phone screen's attention span and one competition in an afternoon).
const (
	challengeMaxRounds    = 10
	challengeMaxQuestions = 50 // per round
	challengeMinLimitS    = 10
	challengeMaxLimitS    = 3600
)

// Challenge is a competition (学习挑战赛).
type Challenge struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	HeldOn      string     `json:"held_on"`
	Status      string     `json:"status"`
	Rounds      int        `json:"rounds"`
	Questions   int        `json:"questions"`
	Players     int        `json:"players"`
	Registered  bool       `json:"registered"` // the caller is one of the players
	CreatedAt   time.Time  `json:"created_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// ChallengeRound is one timed round.
type ChallengeRound struct {
	ID            int64               `json:"id"`
	No            int                 `json:"no"`
	TimeLimitS    int                 `json:"time_limit_s"`
	QuestionCount int                 `json:"question_count"`
	Questions     []ChallengeQuestion `json:"questions,omitempty"`
}

// ChallengeQuestion is a single-choice question with four options. Answer
// is empty unless the reader may see it (editors, or everyone once the
// results are published).
type ChallengeQuestion struct {
	ID      int64     `json:"id"`
	No      int       `json:"no"`
	Stem    string    `json:"stem"`
	Options [4]string `json:"options"`
	Answer  string    `json:"answer,omitempty"`
}

// ChallengePlayer is a registered player.
type ChallengePlayer struct {
	PersonID     int64     `json:"person_id"`
	Name         string    `json:"name"`
	Branch       string    `json:"branch,omitempty"`
	RegisteredBy string    `json:"registered_by"`
	RegisteredAt time.Time `json:"registered_at"`
}

// ChallengeInput creates a challenge, optionally with its rounds.
type ChallengeInput struct {
	Title  string                `json:"title"`
	HeldOn string                `json:"held_on"`
	Rounds []ChallengeRoundInput `json:"rounds,omitempty"`
}

// ChallengeRoundInput is a round as an editor writes it.
type ChallengeRoundInput struct {
	TimeLimitS int                      `json:"time_limit_s"`
	Questions  []ChallengeQuestionInput `json:"questions"`
}

// ChallengeQuestionInput is a question as an editor writes it: the stem,
// exactly four options (A–D) and the letter of the right one.
type ChallengeQuestionInput struct {
	Stem    string   `json:"stem"`
	Options []string `json:"options"`
	Answer  string   `json:"answer"`
}

var challengeLetters = [4]string{"A", "B", "C", "D"}

func chRunes(s string) int { return utf8.RuneCountInString(s) }

// normalizeChoice accepts a letter A–D in either case and in full width
// (Ａ–Ｄ, ａ–ｄ, as Chinese input methods type them), with spaces around.
func normalizeChoice(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if r, size := utf8.DecodeRuneInString(s); size == len(s) && size > 0 {
		switch {
		case r >= 'Ａ' && r <= 'Ｄ':
			r = r - 'Ａ' + 'A'
		case r >= 'ａ' && r <= 'ｄ':
			r = r - 'ａ' + 'A'
		case r >= 'a' && r <= 'd':
			r = r - 'a' + 'A'
		}
		if r >= 'A' && r <= 'D' {
			return string(r), true
		}
	}
	return "", false
}

// validateChallenge checks a challenge's title and day.
func validateChallenge(in *ChallengeInput) errs.List {
	var l errs.List
	in.Title = strings.TrimSpace(in.Title)
	in.HeldOn = strings.TrimSpace(in.HeldOn)
	if n := chRunes(in.Title); n < 2 || n > 100 {
		l = append(l, errs.Field("title", fmt.Sprintf("标题须为 2–100 个字，现为 %d 个字", n), fmt.Sprintf("the title must be 2–100 characters; it has %d", n)))
	}
	if _, err := clock.ParseDay(in.HeldOn); err != nil {
		l = append(l, errs.Field("held_on", "比赛日期须为 YYYY-MM-DD", "the date must be YYYY-MM-DD"))
	}
	if len(in.Rounds) > challengeMaxRounds {
		l = append(l, errs.Field("rounds", fmt.Sprintf("最多 %d 轮，提交了 %d 轮", challengeMaxRounds, len(in.Rounds)), fmt.Sprintf("at most %d rounds; %d given", challengeMaxRounds, len(in.Rounds))))
	}
	for i := range in.Rounds {
		l = append(l, validateRound(&in.Rounds[i], fmt.Sprintf("rounds[%d].", i))...)
	}
	return l
}

// validateRound checks a round and its questions; prefix names the round in
// the fields of the errors ("rounds[1]." in the API, "" in the round form).
func validateRound(in *ChallengeRoundInput, prefix string) errs.List {
	var l errs.List
	if in.TimeLimitS < challengeMinLimitS || in.TimeLimitS > challengeMaxLimitS {
		l = append(l, errs.Field(prefix+"time_limit_s", fmt.Sprintf("每轮限时须为 %d–%d 秒，现为 %d 秒", challengeMinLimitS, challengeMaxLimitS, in.TimeLimitS),
			fmt.Sprintf("a round's time limit must be %d–%d seconds; it is %d", challengeMinLimitS, challengeMaxLimitS, in.TimeLimitS)))
	}
	if len(in.Questions) == 0 || len(in.Questions) > challengeMaxQuestions {
		l = append(l, errs.Field(prefix+"questions", fmt.Sprintf("每轮须有 1–%d 道题，现有 %d 道", challengeMaxQuestions, len(in.Questions)),
			fmt.Sprintf("a round needs 1–%d questions; it has %d", challengeMaxQuestions, len(in.Questions))))
	}
	for i := range in.Questions {
		q := &in.Questions[i]
		f := fmt.Sprintf("%squestions[%d].", prefix, i)
		q.Stem = strings.TrimSpace(q.Stem)
		if n := chRunes(q.Stem); n < 2 || n > 500 {
			l = append(l, errs.Field(f+"stem", fmt.Sprintf("第 %d 题题干须为 2–500 个字，现为 %d 个字", i+1, n), fmt.Sprintf("question %d: the stem must be 2–500 characters; it has %d", i+1, n)))
		}
		if len(q.Options) != 4 {
			l = append(l, errs.Field(f+"options", fmt.Sprintf("第 %d 题须有 A–D 4 个选项，现有 %d 个", i+1, len(q.Options)), fmt.Sprintf("question %d needs exactly 4 options (A–D); it has %d", i+1, len(q.Options))))
		} else {
			seen := map[string]int{}
			for j := range q.Options {
				q.Options[j] = strings.TrimSpace(q.Options[j])
				if n := chRunes(q.Options[j]); n < 1 || n > 200 {
					l = append(l, errs.Field(fmt.Sprintf("%soptions[%d]", f, j), fmt.Sprintf("第 %d 题选项 %s 须为 1–200 个字", i+1, challengeLetters[j]), fmt.Sprintf("question %d: option %s must be 1–200 characters", i+1, challengeLetters[j])))
				} else if k, dup := seen[q.Options[j]]; dup {
					l = append(l, errs.Field(fmt.Sprintf("%soptions[%d]", f, j), fmt.Sprintf("第 %d 题选项 %s 与选项 %s 相同", i+1, challengeLetters[j], challengeLetters[k]), fmt.Sprintf("question %d: option %s repeats option %s", i+1, challengeLetters[j], challengeLetters[k])))
				} else {
					seen[q.Options[j]] = j
				}
			}
		}
		if a, ok := normalizeChoice(q.Answer); ok {
			q.Answer = a
		} else {
			l = append(l, errs.Field(f+"answer", fmt.Sprintf("第 %d 题须选定正确答案（A、B、C 或 D）", i+1), fmt.Sprintf("question %d: choose the right answer (A, B, C or D)", i+1)))
		}
	}
	return l
}

var (
	errChallengeNoPerson = errs.New(errs.Forbidden, "您的账号未关联人员档案，不能参加学习活动", "your account is not linked to a person in the directory, so it cannot take part in study activities")
)

// chNeedPerson refuses a principal who is not a person: learning is
// something people do (a bare administrator account has no ledger).
func chNeedPerson(p *auth.Principal) error {
	if p != nil && p.PersonID == 0 {
		return errChallengeNoPerson
	}
	return nil
}

func (m *Module) chAuthorize(ctx context.Context, p *auth.Principal, perm auth.Perm, id int64) error {
	oid := ""
	if id != 0 {
		oid = fmt.Sprint(id)
	}
	return m.Auth.Authorize(ctx, p, perm, auth.Anything, "study_challenge", oid)
}

// chEditor reports whether p may run challenges.
func chEditor(p *auth.Principal) bool { return auth.Can(p, PermEdit, auth.Anything) }

const challengeCols = `c.id, c.title, c.held_on, c.status, c.created_at, c.published_at,
	(SELECT COUNT(*) FROM study_challenge_rounds r WHERE r.challenge_id = c.id),
	(SELECT COUNT(*) FROM study_challenge_questions q JOIN study_challenge_rounds r ON r.id = q.round_id WHERE r.challenge_id = c.id),
	(SELECT COUNT(*) FROM study_challenge_players pl WHERE pl.challenge_id = c.id),
	(SELECT COUNT(*) FROM study_challenge_players pl WHERE pl.challenge_id = c.id AND pl.person_id = ?)`

func scanChallenge(row interface{ Scan(...any) error }) (*Challenge, error) {
	var c Challenge
	var pub sql.NullTime
	var me int
	if err := row.Scan(&c.ID, &c.Title, &c.HeldOn, &c.Status, &c.CreatedAt, &pub, &c.Rounds, &c.Questions, &c.Players, &me); err != nil {
		return nil, err
	}
	if pub.Valid {
		t := pub.Time
		c.PublishedAt = &t
	}
	c.Registered = me > 0
	return &c, nil
}

func getChallenge(ctx context.Context, q db.Querier, id, personID int64) (*Challenge, error) {
	c, err := scanChallenge(q.QueryRowContext(ctx, `SELECT `+challengeCols+` FROM study_challenges c WHERE c.id = ?`, personID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf("挑战赛")
	}
	return c, err
}

// Challenges lists the competitions, latest first.
func (m *Module) Challenges(ctx context.Context, p *auth.Principal) ([]Challenge, error) {
	if err := m.chAuthorize(ctx, p, PermLearn, 0); err != nil {
		return nil, err
	}
	rows, err := m.DB.Q(ctx).QueryContext(ctx, `SELECT `+challengeCols+` FROM study_challenges c ORDER BY c.held_on DESC, c.id DESC`, p.PersonID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Challenge{}
	for rows.Next() {
		c, err := scanChallenge(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// ChallengeDetail is a challenge with its rounds and players.
type ChallengeDetail struct {
	Challenge
	RoundList  []ChallengeRound  `json:"round_list"`
	PlayerList []ChallengePlayer `json:"player_list"`
	CanEdit    bool              `json:"can_edit"`
}

// Challenge returns a challenge for p. Questions are shown to editors (who
// write them) and, with their answers, to everyone once results are
// published; a player sees a round's questions only by starting it.
func (m *Module) Challenge(ctx context.Context, p *auth.Principal, id int64) (*ChallengeDetail, error) {
	if err := m.chAuthorize(ctx, p, PermLearn, id); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	c, err := getChallenge(ctx, q, id, p.PersonID)
	if err != nil {
		return nil, err
	}
	d := &ChallengeDetail{Challenge: *c, CanEdit: chEditor(p)}
	withQ := d.CanEdit || c.Status == ChallengePublished
	if d.RoundList, err = challengeRounds(ctx, q, id, withQ); err != nil {
		return nil, err
	}
	if d.PlayerList, err = challengePlayers(ctx, q, id); err != nil {
		return nil, err
	}
	return d, nil
}

func challengeRounds(ctx context.Context, q db.Querier, challengeID int64, withQuestions bool) ([]ChallengeRound, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.no, r.time_limit_s, (SELECT COUNT(*) FROM study_challenge_questions q WHERE q.round_id = r.id)
		FROM study_challenge_rounds r WHERE r.challenge_id = ? ORDER BY r.no`, challengeID)
	if err != nil {
		return nil, err
	}
	out := []ChallengeRound{}
	for rows.Next() {
		var r ChallengeRound
		if err := rows.Scan(&r.ID, &r.No, &r.TimeLimitS, &r.QuestionCount); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || !withQuestions {
		return out, err
	}
	for i := range out {
		if out[i].Questions, err = roundQuestions(ctx, q, out[i].ID, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func roundQuestions(ctx context.Context, q db.Querier, roundID int64, withAnswers bool) ([]ChallengeQuestion, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, no, stem, option_a, option_b, option_c, option_d, answer FROM study_challenge_questions WHERE round_id = ? ORDER BY no`, roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ChallengeQuestion
	for rows.Next() {
		var x ChallengeQuestion
		if err := rows.Scan(&x.ID, &x.No, &x.Stem, &x.Options[0], &x.Options[1], &x.Options[2], &x.Options[3], &x.Answer); err != nil {
			return nil, err
		}
		if !withAnswers {
			x.Answer = ""
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func challengePlayers(ctx context.Context, q db.Querier, challengeID int64) ([]ChallengePlayer, error) {
	rows, err := q.QueryContext(ctx, `SELECT pl.person_id, pe.name, COALESCE(b.name, ''), pl.registered_by, pl.registered_at
		FROM study_challenge_players pl JOIN people pe ON pe.id = pl.person_id LEFT JOIN branches b ON b.id = pe.branch_id
		WHERE pl.challenge_id = ? ORDER BY pl.registered_at, pl.person_id`, challengeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ChallengePlayer{}
	for rows.Next() {
		var x ChallengePlayer
		if err := rows.Scan(&x.PersonID, &x.Name, &x.Branch, &x.RegisteredBy, &x.RegisteredAt); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// CreateChallenge adds a competition (open for registration), with the
// rounds given.
func (m *Module) CreateChallenge(ctx context.Context, p *auth.Principal, in ChallengeInput) (int64, error) {
	if err := m.chAuthorize(ctx, p, PermEdit, 0); err != nil {
		return 0, err
	}
	if l := validateChallenge(&in); len(l) > 0 {
		return 0, l
	}
	var id int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO study_challenges (title, held_on, status, created_at) VALUES (?, ?, ?, ?)`, in.Title, in.HeldOn, ChallengeRegistration, m.Clock.Now())
		if err != nil {
			return err
		}
		for i, r := range in.Rounds {
			if _, err := insertRound(ctx, tx, id, i+1, r); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.challenge.create", ObjectType: "study_challenge", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("%s %s, %d rounds", in.HeldOn, in.Title, len(in.Rounds))})
	})
	return id, err
}

func insertRound(ctx context.Context, tx *db.Tx, challengeID int64, no int, r ChallengeRoundInput) (int64, error) {
	rid, err := tx.InsertID(ctx, `INSERT INTO study_challenge_rounds (challenge_id, no, time_limit_s) VALUES (?, ?, ?)`, challengeID, no, r.TimeLimitS)
	if err != nil {
		return 0, err
	}
	for j, q := range r.Questions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO study_challenge_questions (round_id, no, stem, option_a, option_b, option_c, option_d, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			rid, j+1, q.Stem, q.Options[0], q.Options[1], q.Options[2], q.Options[3], q.Answer); err != nil {
			return 0, err
		}
	}
	return rid, nil
}

// lockChallenge reads a challenge inside tx for a change, refusing one not
// in an allowed status.
func lockChallenge(ctx context.Context, tx *db.Tx, id int64, allowed ...string) (*Challenge, error) {
	c, err := getChallenge(ctx, tx, id, 0)
	if err != nil {
		return nil, err
	}
	// Touch the row so concurrent changes of one challenge serialise
	// (a row lock on PostgreSQL; SQLite has one writer anyway).
	if _, err := tx.ExecContext(ctx, `UPDATE study_challenges SET status = status WHERE id = ?`, id); err != nil {
		return nil, err
	}
	for _, s := range allowed {
		if c.Status == s {
			return c, nil
		}
	}
	return c, challengeStatusErr(c.Status)
}

func challengeStatusErr(status string) error {
	switch status {
	case ChallengeRegistration:
		return errs.New(errs.Conflict, "挑战赛尚未开始", "the challenge has not started yet")
	case ChallengeOpen:
		return errs.New(errs.Conflict, "挑战赛正在进行，轮次和题目已锁定", "the challenge is under way; its rounds and questions are locked")
	case ChallengeClosed:
		return errs.New(errs.Conflict, "挑战赛已结束", "the challenge has ended")
	}
	return errs.New(errs.Conflict, "挑战赛成绩已公布", "the challenge's results are published")
}

// UpdateChallenge changes a challenge's title and day before it opens.
func (m *Module) UpdateChallenge(ctx context.Context, p *auth.Principal, id int64, in ChallengeInput) error {
	if err := m.chAuthorize(ctx, p, PermEdit, id); err != nil {
		return err
	}
	in.Rounds = nil
	l := validateChallenge(&in)
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		if _, err := lockChallenge(ctx, tx, id, ChallengeRegistration); err != nil {
			return err
		}
		if len(l) > 0 {
			return l
		}
		if _, err := tx.ExecContext(ctx, `UPDATE study_challenges SET title = ?, held_on = ? WHERE id = ?`, in.Title, in.HeldOn, id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.challenge.update", ObjectType: "study_challenge", ObjectID: fmt.Sprint(id), Detail: in.HeldOn + " " + in.Title})
	})
}

// AddChallengeRound appends a round to a challenge still open for
// registration and returns the round's id.
func (m *Module) AddChallengeRound(ctx context.Context, p *auth.Principal, id int64, in ChallengeRoundInput) (int64, error) {
	if err := m.chAuthorize(ctx, p, PermEdit, id); err != nil {
		return 0, err
	}
	l := validateRound(&in, "")
	var rid int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		c, err := lockChallenge(ctx, tx, id, ChallengeRegistration)
		if err != nil {
			return err
		}
		if len(l) > 0 {
			return l
		}
		if c.Rounds >= challengeMaxRounds {
			return errs.New(errs.Conflict, fmt.Sprintf("一场挑战赛最多 %d 轮", challengeMaxRounds), fmt.Sprintf("a challenge has at most %d rounds", challengeMaxRounds))
		}
		if rid, err = insertRound(ctx, tx, id, c.Rounds+1, in); err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.challenge.round.add", ObjectType: "study_challenge", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("round %d: %d questions, %d s", c.Rounds+1, len(in.Questions), in.TimeLimitS)})
	})
	return rid, err
}

// DeleteChallengeRound removes a round (and its questions) before the
// challenge opens; later rounds move up one number. It returns the
// challenge's id.
func (m *Module) DeleteChallengeRound(ctx context.Context, p *auth.Principal, roundID int64) (int64, error) {
	if err := m.Auth.Authorize(ctx, p, PermEdit, auth.Anything, "study_challenge_round", fmt.Sprint(roundID)); err != nil {
		return 0, err
	}
	var cid int64
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var no int
		err := tx.QueryRowContext(ctx, `SELECT challenge_id, no FROM study_challenge_rounds WHERE id = ?`, roundID).Scan(&cid, &no)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("轮次")
		}
		if err != nil {
			return err
		}
		if _, err := lockChallenge(ctx, tx, cid, ChallengeRegistration); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM study_challenge_questions WHERE round_id = ?`, roundID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM study_challenge_rounds WHERE id = ?`, roundID); err != nil {
			return err
		}
		// One row at a time, in order, so the (challenge, no) key is never
		// held twice on stores that check it row by row.
		rows, err := tx.QueryContext(ctx, `SELECT id FROM study_challenge_rounds WHERE challenge_id = ? AND no > ? ORDER BY no`, cid, no)
		if err != nil {
			return err
		}
		var later []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			later = append(later, id)
		}
		rows.Close()
		for _, id := range later {
			if _, err := tx.ExecContext(ctx, `UPDATE study_challenge_rounds SET no = no - 1 WHERE id = ?`, id); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.challenge.round.delete", ObjectType: "study_challenge", ObjectID: fmt.Sprint(cid), Detail: fmt.Sprintf("round %d", no)})
	})
	return cid, err
}

// ChallengeRegistrationInput is who to register: the caller themself (both
// empty), one person, or every party member of a branch (editors only).
type ChallengeRegistrationInput struct {
	PersonID int64 `json:"person_id,omitempty"`
	BranchID int64 `json:"branch_id,omitempty"`
}

// RegisterChallenge registers players and returns how many were added
// (0 when everyone asked for was registered already). A learner registers
// themself while registration is open; an editor registers anyone until
// the challenge closes.
func (m *Module) RegisterChallenge(ctx context.Context, p *auth.Principal, id int64, in ChallengeRegistrationInput) (int, error) {
	if err := m.chAuthorize(ctx, p, PermLearn, id); err != nil {
		return 0, err
	}
	self := in.PersonID == 0 && in.BranchID == 0
	if self {
		if err := chNeedPerson(p); err != nil {
			return 0, err
		}
	} else if err := m.chAuthorize(ctx, p, PermEdit, id); err != nil {
		return 0, err
	}
	var added int
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		allowed := []string{ChallengeRegistration}
		if !self {
			allowed = append(allowed, ChallengeOpen)
		}
		if _, err := lockChallenge(ctx, tx, id, allowed...); err != nil {
			if self && errs.KindOf(err) == errs.Conflict {
				return errs.New(errs.Conflict, "报名已截止", "registration has closed")
			}
			return err
		}
		var people []int64
		switch {
		case self:
			people = []int64{p.PersonID}
		case in.PersonID != 0:
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, in.PersonID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.Field("person_id", "所选人员不存在", "no such person")
			}
			people = []int64{in.PersonID}
		default:
			rows, err := tx.QueryContext(ctx, `SELECT id FROM people WHERE branch_id = ? AND party_member = TRUE ORDER BY id`, in.BranchID)
			if err != nil {
				return err
			}
			for rows.Next() {
				var pid int64
				if err := rows.Scan(&pid); err != nil {
					rows.Close()
					return err
				}
				people = append(people, pid)
			}
			rows.Close()
			if len(people) == 0 {
				return errs.Field("branch_id", "所选党组织没有党员", "the chosen branch has no party members")
			}
		}
		by := "editor"
		if self {
			by = "self"
		}
		now := m.Clock.Now()
		for _, pid := range people {
			res, err := tx.ExecContext(ctx, `INSERT INTO study_challenge_players (challenge_id, person_id, registered_by, registered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, id, pid, by, now)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		if self || added == 0 {
			return nil // a learner's own registration is their own record
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.challenge.register", ObjectType: "study_challenge", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("person=%d branch=%d added=%d", in.PersonID, in.BranchID, added)})
	})
	return added, err
}

// SetChallengeStatus moves a challenge on: registration → open (needs a
// round, every round a question, and a player) → closed → published (from
// open or closed: publishing also ends play).
func (m *Module) SetChallengeStatus(ctx context.Context, p *auth.Principal, id int64, to string) error {
	if err := m.chAuthorize(ctx, p, PermEdit, id); err != nil {
		return err
	}
	var from []string
	switch to {
	case ChallengeOpen:
		from = []string{ChallengeRegistration}
	case ChallengeClosed:
		from = []string{ChallengeOpen}
	case ChallengePublished:
		from = []string{ChallengeOpen, ChallengeClosed}
	default:
		return errs.Field("to", "目标状态须为 open、closed 或 published", "to must be open, closed or published")
	}
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		c, err := lockChallenge(ctx, tx, id, from...)
		if err != nil {
			if c != nil && c.Status == to {
				return errs.New(errs.Conflict, "挑战赛已处于该状态", "the challenge is already in that state")
			}
			return err
		}
		now := m.Clock.Now()
		switch to {
		case ChallengeOpen:
			var empty int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_challenge_rounds r WHERE r.challenge_id = ?
				AND NOT EXISTS (SELECT 1 FROM study_challenge_questions q WHERE q.round_id = r.id)`, id).Scan(&empty); err != nil {
				return err
			}
			switch {
			case c.Rounds == 0:
				return errs.New(errs.Conflict, "开赛前须至少设置 1 轮题目", "add at least one round before opening")
			case empty > 0:
				return errs.New(errs.Conflict, fmt.Sprintf("有 %d 轮没有题目", empty), fmt.Sprintf("%d round(s) have no questions", empty))
			case c.Players == 0:
				return errs.New(errs.Conflict, "开赛前须至少有 1 名选手报名", "register at least one player before opening")
			}
			_, err = tx.ExecContext(ctx, `UPDATE study_challenges SET status = ?, opened_at = ? WHERE id = ?`, to, now, id)
		case ChallengeClosed:
			_, err = tx.ExecContext(ctx, `UPDATE study_challenges SET status = ?, closed_at = ? WHERE id = ?`, to, now, id)
		case ChallengePublished:
			_, err = tx.ExecContext(ctx, `UPDATE study_challenges SET status = ?, closed_at = COALESCE(closed_at, ?), published_at = ? WHERE id = ?`, to, now, now, id)
		}
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, audit.Entry{Action: "study.challenge." + map[string]string{ChallengeOpen: "open", ChallengeClosed: "close", ChallengePublished: "publish"}[to],
			ObjectType: "study_challenge", ObjectID: fmt.Sprint(id), Detail: c.Status + " → " + to})
	})
}

// ChallengeAttempt is a player's started round, with its questions (no
// answers) and what was answered so far.
type ChallengeAttempt struct {
	ChallengeID int64               `json:"challenge_id"`
	RoundID     int64               `json:"round_id"`
	RoundNo     int                 `json:"round_no"`
	TimeLimitS  int                 `json:"time_limit_s"`
	StartedAt   time.Time           `json:"started_at"`
	Deadline    time.Time           `json:"deadline"`
	Questions   []ChallengeQuestion `json:"questions"`
	Answered    map[int64]string    `json:"answered"` // question id → choice
	New         bool                `json:"-"`
}

// chPlayer checks that p is a registered player of an open challenge.
func chPlayer(ctx context.Context, tx *db.Tx, challengeID, personID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_challenge_players WHERE challenge_id = ? AND person_id = ?`, challengeID, personID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.New(errs.Forbidden, "您未报名本场挑战赛", "you are not registered for this challenge")
	}
	return nil
}

// StartChallengeRound starts a round for the caller, stamping the start by
// the server's clock. Rounds go in order; starting a round again returns
// the same attempt with its original start (New is false).
func (m *Module) StartChallengeRound(ctx context.Context, p *auth.Principal, roundID int64) (*ChallengeAttempt, error) {
	if err := m.Auth.Authorize(ctx, p, PermLearn, auth.Anything, "study_challenge_round", fmt.Sprint(roundID)); err != nil {
		return nil, err
	}
	if err := chNeedPerson(p); err != nil {
		return nil, err
	}
	var at *ChallengeAttempt
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		var cid int64
		a := &ChallengeAttempt{RoundID: roundID}
		err := tx.QueryRowContext(ctx, `SELECT challenge_id, no, time_limit_s FROM study_challenge_rounds WHERE id = ?`, roundID).Scan(&cid, &a.RoundNo, &a.TimeLimitS)
		a.ChallengeID = cid
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("轮次")
		}
		if err != nil {
			return err
		}
		c, err := getChallenge(ctx, tx, cid, 0)
		if err != nil {
			return err
		}
		if c.Status != ChallengeOpen {
			return challengeStatusErr(c.Status)
		}
		if err := chPlayer(ctx, tx, cid, p.PersonID); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT started_at FROM study_challenge_attempts WHERE round_id = ? AND person_id = ?`, roundID, p.PersonID).Scan(&a.StartedAt)
		if errors.Is(err, sql.ErrNoRows) {
			if a.RoundNo > 1 {
				var prev int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_challenge_attempts t JOIN study_challenge_rounds r ON r.id = t.round_id
					WHERE r.challenge_id = ? AND r.no = ? AND t.person_id = ?`, cid, a.RoundNo-1, p.PersonID).Scan(&prev); err != nil {
					return err
				}
				if prev == 0 {
					return errs.New(errs.Conflict, fmt.Sprintf("请先进行第 %d 轮", a.RoundNo-1), fmt.Sprintf("take round %d first", a.RoundNo-1))
				}
			}
			a.StartedAt, a.New = m.Clock.Now(), true
			_, err = tx.ExecContext(ctx, `INSERT INTO study_challenge_attempts (challenge_id, round_id, person_id, started_at) VALUES (?, ?, ?, ?)`, cid, roundID, p.PersonID, a.StartedAt)
			if db.IsUniqueViolation(err) {
				return errs.New(errs.Conflict, "本轮已开始", "this round has already started")
			}
		}
		if err != nil {
			return err
		}
		a.Deadline = a.StartedAt.Add(time.Duration(a.TimeLimitS) * time.Second)
		if a.Questions, err = roundQuestions(ctx, tx, roundID, false); err != nil {
			return err
		}
		if a.Answered, err = attemptChoices(ctx, tx, roundID, p.PersonID); err != nil {
			return err
		}
		at = a
		return nil
	})
	return at, err
}

func attemptChoices(ctx context.Context, q db.Querier, roundID, personID int64) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT ans.question_id, ans.choice FROM study_challenge_answers ans JOIN study_challenge_attempts t ON t.id = ans.attempt_id
		WHERE t.round_id = ? AND t.person_id = ?`, roundID, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, rows.Err()
}

// ChallengeAnswerInput is one answer.
type ChallengeAnswerInput struct {
	QuestionID int64  `json:"question_id"`
	Choice     string `json:"choice"`
}

// ChallengeAnswerResult says how an answer counted.
type ChallengeAnswerResult struct {
	QuestionID int64 `json:"question_id"`
	Correct    bool  `json:"correct"`
	InTime     bool  `json:"in_time"`
	ElapsedMS  int64 `json:"elapsed_ms"`
	RoundDone  bool  `json:"round_done"`
	Points     int   `json:"points"` // study points this answer earned
}

// AnswerChallenge records the caller's answer, timed by the server's clock
// from the round's start. An answer after the round's limit is recorded as
// wrong; an answer is never changed. Reaching 5 and 10 correct answers in
// a challenge earns ActChallenge5 and ActChallenge10 (RULES.md §6; the two
// share the daily cap of 6).
func (m *Module) AnswerChallenge(ctx context.Context, p *auth.Principal, challengeID int64, in ChallengeAnswerInput) (*ChallengeAnswerResult, error) {
	if err := m.chAuthorize(ctx, p, PermLearn, challengeID); err != nil {
		return nil, err
	}
	if err := chNeedPerson(p); err != nil {
		return nil, err
	}
	choice, ok := normalizeChoice(in.Choice)
	if !ok {
		return nil, errs.Field("choice", "请选择 A、B、C 或 D", "choose A, B, C or D")
	}
	var res *ChallengeAnswerResult
	err := m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		c, err := getChallenge(ctx, tx, challengeID, 0)
		if err != nil {
			return err
		}
		if c.Status != ChallengeOpen {
			return challengeStatusErr(c.Status)
		}
		if err := chPlayer(ctx, tx, challengeID, p.PersonID); err != nil {
			return err
		}
		var roundID int64
		var limitS, roundNo int
		var answer string
		err = tx.QueryRowContext(ctx, `SELECT r.id, r.no, r.time_limit_s, q.answer FROM study_challenge_questions q JOIN study_challenge_rounds r ON r.id = q.round_id
			WHERE q.id = ? AND r.challenge_id = ?`, in.QuestionID, challengeID).Scan(&roundID, &roundNo, &limitS, &answer)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Field("question_id", "本场挑战赛没有这道题", "no such question in this challenge")
		}
		if err != nil {
			return err
		}
		var attemptID int64
		var started time.Time
		err = tx.QueryRowContext(ctx, `SELECT id, started_at FROM study_challenge_attempts WHERE round_id = ? AND person_id = ?`, roundID, p.PersonID).Scan(&attemptID, &started)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.Conflict, fmt.Sprintf("请先开始第 %d 轮", roundNo), fmt.Sprintf("start round %d first", roundNo))
		}
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		r := &ChallengeAnswerResult{QuestionID: in.QuestionID, ElapsedMS: max(0, now.Sub(started).Milliseconds())}
		r.InTime = InTime(r.ElapsedMS, limitS)
		r.Correct = r.InTime && choice == answer
		_, err = tx.ExecContext(ctx, `INSERT INTO study_challenge_answers (attempt_id, question_id, choice, answered_at, elapsed_ms, in_time, correct) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			attemptID, in.QuestionID, choice, now, r.ElapsedMS, r.InTime, r.Correct)
		if db.IsUniqueViolation(err) {
			return errs.New(errs.Conflict, "这道题已作答，答案不能更改", "this question is answered already; an answer cannot be changed")
		}
		if err != nil {
			return err
		}
		var answered, total int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM study_challenge_answers WHERE attempt_id = ?), (SELECT COUNT(*) FROM study_challenge_questions WHERE round_id = ?)`,
			attemptID, roundID).Scan(&answered, &total); err != nil {
			return err
		}
		if r.RoundDone = answered >= total; r.RoundDone {
			if _, err := tx.ExecContext(ctx, `UPDATE study_challenge_attempts SET finished_at = ? WHERE id = ?`, now, attemptID); err != nil {
				return err
			}
		}
		if r.Correct {
			var correct int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_challenge_answers ans JOIN study_challenge_attempts t ON t.id = ans.attempt_id
				WHERE t.challenge_id = ? AND t.person_id = ? AND ans.correct = TRUE`, challengeID, p.PersonID).Scan(&correct); err != nil {
				return err
			}
			if r.Points, err = m.challengeAward(ctx, p.PersonID, clock.Day(now), challengeID, correct); err != nil {
				return err
			}
		}
		res = r
		return nil
	})
	return res, err
}

// challengeAward gives the points a challenge result earns once it
// reaches 5 and 10 correct answers (RULES.md §6); Award itself refuses a
// second award for the same challenge and trims to the shared daily cap.
func (m *Module) challengeAward(ctx context.Context, personID int64, day string, challengeID int64, correct int) (int, error) {
	total := 0
	for _, t := range []struct {
		at  int
		act string
	}{{5, ActChallenge5}, {10, ActChallenge10}} {
		if correct < t.at {
			break
		}
		n, err := m.Award(ctx, personID, day, t.act, 0, "challenge", challengeID)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// ChallengeBoard is the leaderboard of a challenge.
type ChallengeBoard struct {
	Challenge Challenge           `json:"challenge"`
	Questions int                 `json:"questions"`
	Standings []ChallengeStanding `json:"standings"`
	AsOf      time.Time           `json:"as_of"`
	Live      bool                `json:"live"`           // still changing: the page refreshes itself
	Mine      *ChallengeStanding  `json:"mine,omitempty"` // the caller's own standing, if a player
}

func (b *ChallengeBoard) findMine(personID int64) *ChallengeBoard {
	for i := range b.Standings {
		if personID != 0 && b.Standings[i].PersonID == personID {
			b.Mine = &b.Standings[i]
		}
	}
	return b
}

// ChallengeBoard returns the standings. While the challenge runs they are
// shown to its players and to editors; once published, to every learner.
func (m *Module) ChallengeBoard(ctx context.Context, p *auth.Principal, id int64) (*ChallengeBoard, error) {
	if err := m.chAuthorize(ctx, p, PermLearn, id); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	c, err := getChallenge(ctx, q, id, p.PersonID)
	if err != nil {
		return nil, err
	}
	if c.Status != ChallengePublished && !c.Registered && !chEditor(p) {
		return nil, errs.New(errs.Forbidden, "成绩公布前，排行榜仅对参赛选手和管理员可见", "until the results are published, the leaderboard is for players and editors only")
	}
	st, err := challengeStandings(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return (&ChallengeBoard{Challenge: *c, Questions: c.Questions, Standings: st, AsOf: m.Clock.Now(), Live: c.Status == ChallengeOpen}).findMine(p.PersonID), nil
}

// ChallengeResults returns the published results: every learner sees them
// once an editor publishes; before that only editors do.
func (m *Module) ChallengeResults(ctx context.Context, p *auth.Principal, id int64) (*ChallengeBoard, error) {
	if err := m.chAuthorize(ctx, p, PermLearn, id); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	c, err := getChallenge(ctx, q, id, p.PersonID)
	if err != nil {
		return nil, err
	}
	if c.Status != ChallengePublished && !chEditor(p) {
		return nil, errs.New(errs.Forbidden, "比赛成绩尚未公布", "the results are not published yet")
	}
	st, err := challengeStandings(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return (&ChallengeBoard{Challenge: *c, Questions: c.Questions, Standings: st, AsOf: m.Clock.Now()}).findMine(p.PersonID), nil
}

// challengeStandings computes every player's entry from the answers and
// ranks them (RankChallenge).
func challengeStandings(ctx context.Context, q db.Querier, id int64) ([]ChallengeStanding, error) {
	players, err := challengePlayers(ctx, q, id)
	if err != nil {
		return nil, err
	}
	rounds, err := challengeRounds(ctx, q, id, false)
	if err != nil {
		return nil, err
	}
	type key struct{ person, round int64 }
	type agg struct {
		inTime int
		last   int64
	}
	per := map[key]*agg{}
	entries := map[int64]*ChallengeEntry{}
	order := make([]int64, 0, len(players))
	for _, pl := range players {
		entries[pl.PersonID] = &ChallengeEntry{PersonID: pl.PersonID, Name: pl.Name, Branch: pl.Branch}
		order = append(order, pl.PersonID)
	}
	rows, err := q.QueryContext(ctx, `SELECT t.person_id, t.round_id, ans.correct, ans.in_time, ans.elapsed_ms, ans.answered_at
		FROM study_challenge_answers ans JOIN study_challenge_attempts t ON t.id = ans.attempt_id WHERE t.challenge_id = ?`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k key
		var correct, inTime bool
		var elapsed int64
		var at time.Time
		if err := rows.Scan(&k.person, &k.round, &correct, &inTime, &elapsed, &at); err != nil {
			rows.Close()
			return nil, err
		}
		e := entries[k.person]
		if e == nil {
			continue
		}
		e.Answered++
		if correct {
			e.Correct++
		}
		if at.After(e.Finished) {
			e.Finished = at
		}
		a := per[k]
		if a == nil {
			a = &agg{}
			per[k] = a
		}
		if inTime {
			a.inTime++
		}
		a.last = max(a.last, elapsed)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	list := make([]ChallengeEntry, 0, len(order))
	for _, pid := range order {
		e := entries[pid]
		for _, r := range rounds {
			limit := int64(r.TimeLimitS) * 1000
			if a := per[key{pid, r.ID}]; a != nil {
				e.TimeMS += RoundTime(limit, r.QuestionCount, a.inTime, a.last)
			} else {
				e.TimeMS += limit
			}
		}
		list = append(list, *e)
	}
	return RankChallenge(list), nil
}

// ChallengePlay is the caller's progress through a challenge: each round's
// state, and what to do next (start a round or answer a question).
type ChallengePlay struct {
	Challenge Challenge            `json:"challenge"`
	Rounds    []ChallengePlayRound `json:"rounds"`
	Next      *ChallengePlayRound  `json:"next_round,omitempty"` // the round to start next
	Current   *ChallengePlayStep   `json:"current,omitempty"`    // the question to answer now
	Correct   int                  `json:"correct"`
	Answered  int                  `json:"answered"`
	Total     int                  `json:"total"`
	Done      bool                 `json:"done"` // every round played (or its time is up)
}

// ChallengePlayRound is one round from the player's side.
type ChallengePlayRound struct {
	ID         int64      `json:"id"`
	No         int        `json:"no"`
	TimeLimitS int        `json:"time_limit_s"`
	Questions  int        `json:"questions"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	Answered   int        `json:"answered"`
	Correct    int        `json:"correct"`
	Expired    bool       `json:"expired"` // the time limit has passed
	Done       bool       `json:"done"`    // every question answered, or expired
}

// ChallengePlayStep is the next question of a running round.
type ChallengePlayStep struct {
	RoundID    int64             `json:"round_id"`
	RoundNo    int               `json:"round_no"`
	Index      int               `json:"index"` // 1-based within the round
	Of         int               `json:"of"`
	Question   ChallengeQuestion `json:"question"`
	RemainingS int               `json:"remaining_s"`
}

// ChallengePlay returns the caller's progress (a player only).
func (m *Module) ChallengePlay(ctx context.Context, p *auth.Principal, id int64) (*ChallengePlay, error) {
	if err := m.chAuthorize(ctx, p, PermLearn, id); err != nil {
		return nil, err
	}
	if err := chNeedPerson(p); err != nil {
		return nil, err
	}
	q := m.DB.Q(ctx)
	c, err := getChallenge(ctx, q, id, p.PersonID)
	if err != nil {
		return nil, err
	}
	if !c.Registered {
		return nil, errs.New(errs.Forbidden, "您未报名本场挑战赛", "you are not registered for this challenge")
	}
	rounds, err := challengeRounds(ctx, q, id, false)
	if err != nil {
		return nil, err
	}
	now := m.Clock.Now()
	pl := &ChallengePlay{Challenge: *c, Rounds: []ChallengePlayRound{}, Total: c.Questions}
	starts := map[int64]time.Time{}
	rows, err := q.QueryContext(ctx, `SELECT round_id, started_at FROM study_challenge_attempts WHERE challenge_id = ? AND person_id = ?`, id, p.PersonID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var rid int64
		var t time.Time
		if err := rows.Scan(&rid, &t); err != nil {
			rows.Close()
			return nil, err
		}
		starts[rid] = t
	}
	rows.Close()
	for _, r := range rounds {
		pr := ChallengePlayRound{ID: r.ID, No: r.No, TimeLimitS: r.TimeLimitS, Questions: r.QuestionCount}
		if t, ok := starts[r.ID]; ok {
			t := t
			pr.StartedAt = &t
			choices, err := attemptChoices(ctx, q, r.ID, p.PersonID)
			if err != nil {
				return nil, err
			}
			pr.Answered = len(choices)
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM study_challenge_answers ans JOIN study_challenge_attempts t ON t.id = ans.attempt_id
				WHERE t.round_id = ? AND t.person_id = ? AND ans.correct = TRUE`, r.ID, p.PersonID).Scan(&pr.Correct); err != nil {
				return nil, err
			}
			deadline := t.Add(time.Duration(r.TimeLimitS) * time.Second)
			pr.Expired = now.After(deadline)
			pr.Done = pr.Answered >= pr.Questions || pr.Expired
			if !pr.Done && pl.Current == nil && c.Status == ChallengeOpen {
				qs, err := roundQuestions(ctx, q, r.ID, false)
				if err != nil {
					return nil, err
				}
				for i, x := range qs {
					if _, ok := choices[x.ID]; !ok {
						pl.Current = &ChallengePlayStep{RoundID: r.ID, RoundNo: r.No, Index: i + 1, Of: len(qs), Question: x,
							RemainingS: int((deadline.Sub(now) + time.Second - 1) / time.Second)}
						break
					}
				}
			}
		}
		pl.Answered += pr.Answered
		pl.Correct += pr.Correct
		pl.Rounds = append(pl.Rounds, pr)
	}
	if pl.Current == nil && c.Status == ChallengeOpen {
		for i := range pl.Rounds {
			if pl.Rounds[i].StartedAt == nil {
				pl.Next = &pl.Rounds[i]
				break
			}
		}
	}
	pl.Done = c.Status != ChallengeRegistration && len(pl.Rounds) > 0 && pl.Current == nil && pl.Next == nil
	return pl, nil
}

// challengePlayersSQL counts distinct players of challenges held in [?, ?].
const challengePlayersSQL = `SELECT COUNT(DISTINCT pl.person_id) FROM study_challenge_players pl JOIN study_challenges c ON c.id = pl.challenge_id
		WHERE c.held_on >= ? AND c.held_on <= ?`
