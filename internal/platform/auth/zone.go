package auth

import (
	"time"

	"zhongshu/internal/platform/clock"
)

func clockZone() *time.Location { return clock.Zone }
