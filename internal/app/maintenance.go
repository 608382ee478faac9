package app

import (
	"context"
	"time"

	"zhongshu/internal/platform/jobs"
)

// platformJobs declares the platform's own nightly maintenance: expired
// sessions and old login failures go, and completed jobs older than 30 days
// are pruned, so that the hot tables stay small.
func (a *App) platformJobs() error {
	a.Queue.Handle("platform.prune", 3, func(ctx context.Context, j *jobs.Job) error {
		if _, err := a.Auth.Prune(ctx); err != nil {
			return err
		}
		_, err := a.Queue.Prune(ctx, a.Clock.Now().Add(-30*24*time.Hour))
		return err
	})
	return a.Scheduler.Add(jobs.Schedule{
		Name: "platform.prune",
		Spec: "30 3 * * *",
		Doc:  "每日 03:30 清理过期会话、登录失败记录和 30 天前已完成的后台任务",
		Fire: func(ctx context.Context, slot time.Time) error {
			_, err := a.Queue.Enqueue(ctx, "platform.prune", nil, jobs.UniqueKey("platform.prune/"+slot.Format("2006-01-02")))
			return err
		},
	})
}
