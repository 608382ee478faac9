package notify

import (
	"context"
	"strings"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/errs"
)

// Notify puts a notification under a user's bell. It joins the transaction
// in ctx, so the notice and the change it announces commit together; the
// row is written just before that commit, with the transaction's other
// notices in one statement (db.Tx.Defer). link,
// if given, must be a path inside Zhongshu ("/study/today"): the bell
// renders it as a link, and an absolute or javascript: URL there would be
// an open redirect or worse.
func (s *Service) Notify(ctx context.Context, userID int64, title, body, link string) error {
	var l errs.List
	if userID <= 0 {
		l = append(l, errs.Field("user_id", "请指定接收通知的用户", "a recipient user is required"))
	}
	title, e := checkText("title", "通知标题", "notification title", title, 1, maxTitleRunes, false)
	if e != nil {
		l = append(l, e)
	}
	body, e = checkText("body", "通知内容", "notification body", body, 0, 2000, true)
	if e != nil {
		l = append(l, e)
	}
	link = strings.TrimSpace(link)
	if link != "" && (!strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") || strings.ContainsAny(link, "\\\r\n\t ") || len(link) > maxLinkLen) {
		l = append(l, errs.Field("link", "链接须为本系统内的路径，如 /study/today", "the link must be a path inside Zhongshu, like /study/today"))
	}
	if len(l) > 0 {
		return l
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		n := Notification{UserID: userID, Title: title, Body: body, Link: link, CreatedAt: s.Clock.Now()}
		if tx.Defer(notificationsKey{}, n, insertNotifications) {
			return nil // written with the transaction's other notices, before its commit
		}
		return insertNotification(ctx, tx, n)
	})
}

// Unread is the number on the bell.
func (s *Service) Unread(ctx context.Context, userID int64) (int, error) {
	return countUnread(ctx, s.DB.Q(ctx), userID)
}

// Inbox lists a user's notifications, newest first (limit 1–200, default 50).
func (s *Service) Inbox(ctx context.Context, userID int64, limit int) ([]Notification, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return listNotifications(ctx, s.DB.Q(ctx), userID, limit)
}

// MarkRead marks one of the user's notifications read, or all of them when
// id is 0. Another user's notification answers errs.NotFound, the same as
// one that does not exist, so ids cannot be probed.
func (s *Service) MarkRead(ctx context.Context, userID, id int64) error {
	return s.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		return markRead(ctx, tx, userID, id, s.Clock.Now())
	})
}
