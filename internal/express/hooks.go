package express

import (
	"context"
	"fmt"
)

// The parts of the room meet through these types and hooks, so that a
// demand raised from a visit, or a visit recorded, earns its liaison points
// in the same transaction without the parts knowing each other's tables.

// DemandInput raises a demand (企业诉求). Source says where it came from:
// "enterprise" (the contact), "liaison", "visit" or "breakfast"; SourceID
// is the visit or breakfast meeting it came from.
type DemandInput struct {
	EnterpriseID int64  `json:"enterprise_id"`
	Category     string `json:"category"`
	Title        string `json:"title"`
	Description  string `json:"description"`
	Source       string `json:"source"`
	SourceID     int64  `json:"source_id"`
}

// DemandEvent is something that happened to a demand that other parts
// react to (points): "raised" and "resolved".
type DemandEvent struct {
	Kind         string
	DemandID     int64
	EnterpriseID int64
	Category     string
	Source       string
	RaisedBy     int64  // person id of whoever raised it
	Day          string // zone day of the event
	// raiserLiaison, when set, says whether RaisedBy is a liaison assigned
	// to the enterprise, read by the raise before its transaction so that
	// the shared writer need not (issue 8); nil: the listener reads it.
	raiserLiaison *bool
}

// Earning is a record that earns a liaison points (RULES.md §8): Kind is a
// work category or bonus code of the point table, RefType/RefID the record.
type Earning struct {
	PersonID     int64
	Kind         string
	RefType      string
	RefID        int64
	EnterpriseID int64
	Day          string
}

var (
	demandListeners []func(m *Module, ctx context.Context, ev DemandEvent) error
	earnHook        func(m *Module, ctx context.Context, e Earning) error
)

// demandEvent tells the listeners, inside the caller's transaction.
func (m *Module) demandEvent(ctx context.Context, ev DemandEvent) error {
	for _, l := range demandListeners {
		if err := l(m, ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// earn books points for a record, inside the caller's transaction.
func (m *Module) earn(ctx context.Context, e Earning) error {
	if earnHook == nil {
		return fmt.Errorf("express: no points ledger registered")
	}
	return earnHook(m, ctx, e)
}
