// Package errs holds the small set of error kinds that every layer of
// Zhongshu returns, each carrying a message in both product languages, so
// that a store or rule can say exactly what was wrong ("村民代表会议到会人数 9 人，
// 未达应到 15 人的三分之二") and the web layer only has to pick the locale and
// map the kind to an HTTP status in one table.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error for transports (HTTP status, exit code).
type Kind string

// The kinds. They map to HTTP status in platform/web.
const (
	Invalid      Kind = "invalid"      // 400/422: bad input; nothing changed
	Unauthorized Kind = "unauthorized" // 401: no or bad credentials
	Forbidden    Kind = "forbidden"    // 403: known user, not allowed
	NotFound     Kind = "not_found"    // 404: absent, or present but outside the caller's scope
	Conflict     Kind = "conflict"     // 409: state does not allow it
	Locked       Kind = "locked"       // 423: account locked
	TooMany      Kind = "too_many"     // 429: rate limited
	Internal     Kind = "internal"     // 500: details logged, never shown
)

// Error is a user-facing error with a Chinese and an English message.
type Error struct {
	Kind  Kind
	Field string // the input field at fault, if any
	Zh    string
	En    string
	Err   error // wrapped cause (never shown to users)
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Kind, e.Field, e.En)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.En)
}

func (e *Error) Unwrap() error { return e.Err }

// Message returns the message for a locale ("en" or anything else for Chinese).
func (e *Error) Message(lang string) string {
	if lang == "en" && e.En != "" {
		return e.En
	}
	return e.Zh
}

// New builds an error of a kind with both messages.
func New(k Kind, zh, en string) *Error { return &Error{Kind: k, Zh: zh, En: en} }

// Field builds an Invalid error naming the field at fault.
func Field(field, zh, en string) *Error {
	return &Error{Kind: Invalid, Field: field, Zh: zh, En: en}
}

// NotFoundf is the standard "not found". The same words answer for an
// absent object and for one outside the caller's scope, so that the answer
// does not leak existence; what is kept for the log.
func NotFoundf(what string) *Error {
	return &Error{Kind: NotFound, Zh: "未找到该记录，或您无权查看", En: "not found, or not yours to see", Err: errorString("not found: " + what)}
}

type errorString string

func (e errorString) Error() string { return string(e) }

// Wrap turns an unexpected error into an Internal one.
func Wrap(err error, what string) *Error {
	return &Error{Kind: Internal, Zh: "系统内部错误", En: "internal error", Err: fmt.Errorf("%s: %w", what, err)}
}

// As returns the *Error inside err, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// KindOf returns the kind of err; Internal for foreign errors.
func KindOf(err error) Kind {
	if e := As(err); e != nil {
		return e.Kind
	}
	return Internal
}

// List is several field errors found at once (a form or an import row).
type List []*Error

func (l List) Error() string {
	if len(l) == 0 {
		return "no errors"
	}
	return fmt.Sprintf("%d errors; first: %s", len(l), l[0].Error())
}

// Err returns l as an error, or nil when empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
