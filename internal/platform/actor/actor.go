// Package actor carries who is acting — user, source IP, request id and
// locale — in a request's context, so that the audit log and error messages
// can name them without every function taking them as arguments.
package actor

import "context"

// Actor is the caller of the current request (UserID 0 for the public or a
// failed login).
type Actor struct {
	UserID    int64
	Username  string
	IP        string
	RequestID string
	Lang      string // "zh-CN" or "en"
}

type key struct{}

// With returns ctx carrying a.
func With(ctx context.Context, a Actor) context.Context { return context.WithValue(ctx, key{}, a) }

// From returns the actor in ctx (zero value if none).
func From(ctx context.Context) Actor {
	a, _ := ctx.Value(key{}).(Actor)
	return a
}
