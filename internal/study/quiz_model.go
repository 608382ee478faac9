package study

import (
	"time"

	"zhongshu/internal/platform/errs"
)

// 月问答 (monthly quiz): a quiz per month, built from the month's daily
// sentences (one fill-in-the-blank each) and choice questions the editors
// write about the month's column articles; time-limited, auto-graded, with
// an open window and a make-up window (补考).

// Question kinds.
const (
	QuizBlank    = "blank"    // fill-in-the-blank from a daily sentence
	QuizSingle   = "single"   // single choice
	QuizMultiple = "multiple" // multiple choice, all or nothing
)

// Sittings: the main window or the make-up (补考).
const (
	SittingMain   = "main"
	SittingMakeup = "makeup"
)

// Phases of a quiz at a moment, derived from its windows and the clock.
const (
	QuizPhaseDraft    = "draft"    // not published: editors only
	QuizPhaseUpcoming = "upcoming" // published, the open window not yet begun
	QuizPhaseOpen     = "open"     // the open window
	QuizPhaseBetween  = "between"  // after the open window, before the make-up window
	QuizPhaseMakeup   = "makeup"   // the make-up window
	QuizPhaseClosed   = "closed"   // no attempt starts any more
)

// Attempt states.
const (
	AttemptInProgress = "in_progress" // started, time left (or within the grace)
	AttemptSubmitted  = "submitted"   // graded
	AttemptExpired    = "expired"     // started, never submitted in time: scored 0
	AttemptAbsent     = "absent"      // never started (results only)
)

// Quiz is a month's quiz.
type Quiz struct {
	ID           int64      `json:"id"`
	Month        string     `json:"month"` // YYYY-MM
	Title        string     `json:"title"`
	TimeLimitMin int        `json:"time_limit_min"`
	OpensOn      string     `json:"opens_on"`  // first day of the open window (zone day)
	ClosesOn     string     `json:"closes_on"` // last day of the open window
	MakeupFrom   string     `json:"makeup_from,omitempty"`
	MakeupTo     string     `json:"makeup_to,omitempty"`
	BlankPoints  int        `json:"blank_points"`
	Published    bool       `json:"published"`
	PublishedAt  *time.Time `json:"published_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	Questions    int        `json:"questions"`
	MaxScore     int        `json:"max_score"`
	Attempts     int        `json:"attempts"`
	Phase        string     `json:"phase"`
}

// QuizInput is what an editor gives to create a quiz. Empty windows, time
// limit and blank points take the defaults: the last 3 days of the month
// open, the first 3 days of the next month for the make-up, 20 minutes, 2
// points a blank.
type QuizInput struct {
	Month        string `json:"month"`
	Title        string `json:"title"`
	TimeLimitMin int    `json:"time_limit_min"`
	OpensOn      string `json:"opens_on"`
	ClosesOn     string `json:"closes_on"`
	MakeupFrom   string `json:"makeup_from"`
	MakeupTo     string `json:"makeup_to"`
	NoMakeup     bool   `json:"no_makeup"`
	BlankPoints  int    `json:"blank_points"`
}

// QuizQuestion is one question. Key (the answer) is filled only for
// editors and, after the quiz has closed, for a member's review.
type QuizQuestion struct {
	ID           int64    `json:"id"`
	Seq          int      `json:"seq"`
	Kind         string   `json:"kind"`
	Prompt       string   `json:"prompt"`
	Options      []string `json:"options,omitempty"`
	Points       int      `json:"points"`
	SourceDay    string   `json:"source_day,omitempty"` // the sentence's day (blanks)
	ArticleID    int64    `json:"article_id,omitempty"` // the article a choice is about
	ArticleTitle string   `json:"article_title,omitempty"`
	Phrase       string   `json:"phrase,omitempty"`  // the blank's key phrase
	Correct      []int    `json:"correct,omitempty"` // the right options (0-based)
}

// QuizChoiceInput is a choice question an editor adds.
type QuizChoiceInput struct {
	Kind      string   `json:"kind"` // single or multiple
	Prompt    string   `json:"prompt"`
	Options   []string `json:"options"`
	Correct   []int    `json:"correct"` // 0-based indexes of the right options
	Points    int      `json:"points"`
	ArticleID int64    `json:"article_id"`
}

// QuizAnswer is a member's answer to one question: Text for a blank,
// Choices (0-based) for a choice.
type QuizAnswer struct {
	Question int64  `json:"question"`
	Text     string `json:"text,omitempty"`
	Choices  []int  `json:"choices,omitempty"`
}

// QuizMark is the grading of one answer.
type QuizMark struct {
	Question int64  `json:"question"`
	Correct  bool   `json:"correct"`
	Points   int    `json:"points"` // earned
	Text     string `json:"text,omitempty"`
	Choices  []int  `json:"choices,omitempty"`
}

// QuizAttempt is one member's attempt.
type QuizAttempt struct {
	ID          int64      `json:"id"`
	QuizID      int64      `json:"quiz_id"`
	PersonID    int64      `json:"person_id"`
	Sitting     string     `json:"sitting"`
	StartedAt   time.Time  `json:"started_at"`
	DeadlineAt  time.Time  `json:"deadline_at"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	Score       int        `json:"score"`
	MaxScore    int        `json:"max_score"`
	State       string     `json:"state"`
	// RemainingSeconds is computed by the server from the attempt's start
	// and the time limit (0 once the time is up).
	RemainingSeconds int        `json:"remaining_seconds"`
	Passed           bool       `json:"passed"`
	Marks            []QuizMark `json:"marks,omitempty"`
	Points           int        `json:"points,omitempty"` // study points this attempt earned
}

// QuizView is what a member sees of a quiz: its facts, their attempt and,
// while the attempt runs, the questions (without answers).
type QuizView struct {
	Quiz      Quiz           `json:"quiz"`
	Attempt   *QuizAttempt   `json:"attempt,omitempty"`
	Questions []QuizQuestion `json:"questions,omitempty"`
	CanStart  bool           `json:"can_start"`
	// Why the member cannot start (when CanStart is false and there is no
	// attempt), in the caller's language.
	Reason string `json:"reason,omitempty"`
	reason *errs.Error
}

// localize fills Reason in lang.
func (v *QuizView) localize(lang string) {
	if v.reason != nil {
		v.Reason = v.reason.Message(lang)
	}
}

// QuizBranchResult is one branch's line of a quiz's results: members who
// did not take it are absent (counted in the participation rate), not
// zero (the average is over participants).
type QuizBranchResult struct {
	BranchID     int64   `json:"branch_id"`
	Name         string  `json:"name"`
	Members      int     `json:"members"`
	Participants int     `json:"participants"`
	Passed       int     `json:"passed"`
	Full         int     `json:"full"`
	Average      float64 `json:"average"`     // mean score of participants
	AveragePct   float64 `json:"average_pct"` // of the full marks
	Rate         float64 `json:"participation_rate"`
}

// QuizMemberResult is one member's line.
type QuizMemberResult struct {
	PersonID    int64      `json:"person_id"`
	Name        string     `json:"name"`
	BranchID    int64      `json:"branch_id"`
	State       string     `json:"state"`
	Sitting     string     `json:"sitting,omitempty"`
	Score       int        `json:"score"`
	MaxScore    int        `json:"max_score"`
	Passed      bool       `json:"passed"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
}

// QuizResults is the results page: the caller's own attempt, the branches
// they may see (the committee every branch and the zone; a member their
// own branch's average) and, for the committee with a branch chosen, that
// branch's members.
type QuizResults struct {
	Quiz       Quiz               `json:"quiz"`
	Own        *QuizAttempt       `json:"own,omitempty"`
	Zone       *QuizBranchResult  `json:"zone,omitempty"`
	Branches   []QuizBranchResult `json:"branches"`
	Branch     int64              `json:"branch,omitempty"` // the chosen branch
	BranchName string             `json:"branch_name,omitempty"`
	Members    []QuizMemberResult `json:"members,omitempty"`
}

// PhaseBadge is the badge class of a phase.
func (q Quiz) PhaseBadge() string {
	switch q.Phase {
	case QuizPhaseOpen, QuizPhaseMakeup:
		return "badge-green"
	case QuizPhaseUpcoming, QuizPhaseBetween:
		return "badge-blue"
	case QuizPhaseDraft:
		return "badge-amber"
	}
	return "badge-grey"
}

// CanEnter: the quiz page leads to answering (open, and not yet done).
func (it QuizListItem) CanEnter() bool {
	open := it.Phase == QuizPhaseOpen || it.Phase == QuizPhaseMakeup
	return open && (it.Own == nil || it.Own.State == AttemptInProgress)
}

func quizStateBadge(s string) string {
	switch s {
	case AttemptSubmitted:
		return "badge-green"
	case AttemptInProgress:
		return "badge-blue"
	case AttemptExpired:
		return "badge-amber"
	}
	return "badge-grey"
}

// StateBadge is the badge class of an attempt's state.
func (a QuizAttempt) StateBadge() string { return quizStateBadge(a.State) }

// StateBadge is the badge class of a member's state.
func (r QuizMemberResult) StateBadge() string { return quizStateBadge(r.State) }
