package village

import (
	"context"
	"slices"
	"strings"
	"testing"

	"zhongshu/internal/platform/errs"
)

// TestExpendituresTier1CoSign: RULES.md §2 — "in a 一肩挑 village one more
// 两委 member co-signs (联审联签)" applies to tier 1 too: there the
// secretary's approval alone does not approve the request (and it cannot
// be paid) until a serving 两委 member other than the requester co-signs;
// outside 一肩挑 villages tier 1 is the secretary's approval alone and takes
// no co-signature.
func TestExpendituresTier1CoSign(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		com, sec := e.principal(t, "committee"), e.principal(t, "village_secretary")
		v1 := dxVillages(t, e)[0].ID
		var member int64
		if err := e.DB.Q(ctx).QueryRowContext(ctx, `SELECT MIN(person_id) FROM positions WHERE village_id = ? AND title = 'village_committee' AND ended_on = ''
			AND person_id <> ? AND person_id <> ?`, v1, sec.PersonID, com.PersonID).Scan(&member); err != nil || member == 0 {
			t.Fatalf("a 两委 member of village %d: %d %v", v1, member, err)
		}
		for i, c := range []struct {
			name         string
			oneShoulder  bool
			required     []string
			afterApprove string // status after the secretary's approval
		}{
			{"§2 tier 1 in a 一肩挑 village needs the co-signature", true, []string{SignApprove, SignCosign}, ExpRequested},
			{"§2 tier 1 outside 一肩挑 is the approval alone", false, []string{SignApprove}, ExpApproved},
		} {
			t.Run(c.name, func(t *testing.T) {
				if _, err := e.DB.Q(ctx).ExecContext(ctx, `UPDATE villages SET one_shoulder = ? WHERE id = ?`, c.oneShoulder, v1); err != nil {
					t.Fatal(err)
				}
				day := "2021-12-1" + string(rune('0'+i))
				// Exactly 1,000.00 元 is still tier 1.
				x, err := e.M.CreateExpenditure(ctx, com, v1, ExpenditureInput{AmountFen: 100_000, Purpose: "村委会办公用品", RequestedOn: day})
				if err != nil || x.Tier != 1 || !slices.Equal(x.RequiredSigns, c.required) {
					t.Fatalf("tier 1 request: %+v %v", x, err)
				}
				if !c.oneShoulder {
					// Outside 一肩挑 a tier-1 request takes no co-signature.
					if _, err := e.M.Sign(ctx, sec, x.ID, SignInput{Kind: SignCosign, SignedOn: day, CosignerPersonID: member}); errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), "§2") {
						t.Fatalf("a co-signature outside 一肩挑: %v", err)
					}
				}
				if x, err = e.M.Sign(ctx, sec, x.ID, SignInput{Kind: SignApprove, SignedOn: day}); err != nil || x.Status != c.afterApprove {
					t.Fatalf("approved by the secretary: %+v %v", x, err)
				}
				if c.oneShoulder {
					if _, err := e.M.Pay(ctx, com, x.ID, PayInput{PaidOn: day, Voucher: "记-T1"}); errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), "§2") {
						t.Fatalf("paid without the co-signature: %v", err)
					}
					// The co-signer is a serving 两委 member, never the requester.
					if _, err := e.M.Sign(ctx, sec, x.ID, SignInput{Kind: SignCosign, SignedOn: day, CosignerPersonID: com.PersonID}); errs.KindOf(err) != errs.Invalid {
						t.Fatalf("the requester as co-signer: %v", err)
					}
					if x, err = e.M.Sign(ctx, sec, x.ID, SignInput{Kind: SignCosign, SignedOn: day, CosignerPersonID: member}); err != nil || x.Status != ExpApproved {
						t.Fatalf("co-signed: %+v %v", x, err)
					}
				}
				if x, err = e.M.Pay(ctx, com, x.ID, PayInput{PaidOn: day, Voucher: "记-T1-" + day}); err != nil || x.Status != ExpPaid {
					t.Fatalf("paid: %+v %v", x, err)
				}
			})
		}
	})
}
