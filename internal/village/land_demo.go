package village

import (
	"context"
	"fmt"
	"time"

	"zhongshu/internal/platform/db"
	"zhongshu/internal/platform/ident"
)

// landDemoStandard is a demo standard: code, name, unit, fen per unit.
type landDemoStandard struct {
	code, name, unit string
	fen              int64
}

// landDemoHousehold is a demo household: head, birth day and sequence of
// the generated ID number, quantities (thousandths) by code, and the
// payee when not the head.
type landDemoHousehold struct {
	head, birth string
	seq         int
	qty         map[string]int64
	payee       string
	payeeBirth  string
}

// landDemoPay is an irregular payment on top of the regular ones.
type landDemoPay struct {
	household int // index
	code      string
	amount    int64 // fen; 0 = the entitled amount
	day       string
}

// The demo projects (issue 5 item 13): 东王村's project pays one item
// above its standard (王志强's 土地补偿费: 100,000.00 元 for 3.2 亩 at
// 30,000.00 元) and one payee twice (张玉明's 青苗补偿费), so its payments
// exceed its funds; 小赵庄村's project is paid exactly.
var landDemo = []struct {
	village    int64
	name       string
	posted     string
	paidOn     string
	standards  []landDemoStandard
	households []landDemoHousehold
	extra      []landDemoPay
	over       map[[2]string]int64 // (household head, code) → amount paid instead of the entitlement
}{
	{1, "2021年东王村村东地块征地补偿", "2021-11-10", "2021-10-15",
		[]landDemoStandard{{"land", "土地补偿费", "亩", 3_000_000}, {"resettle", "安置补助费", "亩", 2_600_000}, {"crops", "青苗补偿费", "亩", 150_000}, {"trees", "地上附着物（树木）", "棵", 8_000}},
		[]landDemoHousehold{
			{"谭建国", "19620315", 11, map[string]int64{"land": 2500, "resettle": 2500, "crops": 2500, "trees": 12000}, "", ""},
			{"刘秀兰", "19580822", 22, map[string]int64{"land": 1800, "resettle": 1800, "crops": 1800}, "王建军", "19850406"},
			{"王志强", "19700109", 31, map[string]int64{"land": 3200, "resettle": 3200, "crops": 3200, "trees": 20000}, "", ""},
			{"张玉明", "19661128", 45, map[string]int64{"land": 1250, "resettle": 1250, "crops": 1250}, "", ""},
			{"李淑芬", "19730517", 52, map[string]int64{"land": 2000, "resettle": 2000, "crops": 2000, "trees": 6000}, "", ""},
			{"赵德胜", "19550930", 67, map[string]int64{"land": 900, "resettle": 900, "crops": 900}, "", ""},
		},
		[]landDemoPay{{3, "crops", 0, "2021-11-03"}},
		map[[2]string]int64{{"王志强", "land"}: 10_000_000},
	},
	{3, "2021年小赵庄村排干渠拓宽征地补偿", "2021-09-20", "2021-09-28",
		[]landDemoStandard{{"land", "土地补偿费", "亩", 3_000_000}, {"crops", "青苗补偿费", "亩", 150_000}},
		[]landDemoHousehold{
			{"赵文平", "19640212", 13, map[string]int64{"land": 600, "crops": 600}, "", ""},
			{"赵桂芝", "19600719", 24, map[string]int64{"land": 450, "crops": 450}, "", ""},
			{"孙立新", "19780303", 35, map[string]int64{"land": 750, "crops": 750}, "", ""},
		},
		nil, nil,
	},
}

// landDemoID builds a valid, never-issued 身份证号 (GB 11643) for demo data:
// 130903 (沧州市运河区) + birth + sequence + check character.
func landDemoID(birth string, seq int) (string, error) {
	body := fmt.Sprintf("130903%s%03d", birth, seq)
	c, err := ident.IDCheckChar(body)
	if err != nil {
		return "", err
	}
	return body + string(c), nil
}

func loadLandDemo(m *Module, ctx context.Context) error {
	at := time.Date(2021, 9, 1, 1, 0, 0, 0, time.UTC)
	return m.DB.InTx(ctx, func(ctx context.Context, tx *db.Tx) error {
		for _, p := range landDemo {
			// The funds are what the standards give the households.
			var funds int64
			fenOf := map[string]int64{}
			for _, s := range p.standards {
				fenOf[s.code] = s.fen
			}
			for _, h := range p.households {
				for code, q := range h.qty {
					funds += LandEntitled(q, fenOf[code])
				}
			}
			pid, err := tx.InsertID(ctx, `INSERT INTO land_projects (village_id, name, decision_id, funds_fen, status, posted_on, created_by, created_at)
				VALUES (?, ?, NULL, ?, 'posted', ?, 0, ?)`, p.village, p.name, funds, p.posted, at)
			if err != nil {
				return err
			}
			sid := map[string]int64{}
			for _, s := range p.standards {
				if sid[s.code], err = tx.InsertID(ctx, `INSERT INTO land_standards (project_id, code, name, unit, fen_per_unit) VALUES (?, ?, ?, ?, ?)`,
					pid, s.code, s.name, s.unit, s.fen); err != nil {
					return err
				}
			}
			hids := make([]int64, len(p.households))
			type payee struct{ name, id string }
			payees := make([]payee, len(p.households))
			for i, h := range p.households {
				idn, err := landDemoID(h.birth, h.seq)
				if err != nil {
					return err
				}
				enc, err := m.Seal.Encrypt([]byte(idn), []byte(landAADHousehold))
				if err != nil {
					return err
				}
				if hids[i], err = tx.InsertID(ctx, `INSERT INTO land_households (project_id, head_name, id_enc, id_idx, id_mask, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
					pid, h.head, enc, m.Seal.BlindIndex(landIdxDomain, idn), ident.MaskIDNumber(idn), at); err != nil {
					return err
				}
				payees[i] = payee{h.head, idn}
				if h.payee != "" {
					pidn, err := landDemoID(h.payeeBirth, h.seq+1)
					if err != nil {
						return err
					}
					payees[i] = payee{h.payee, pidn}
				}
				for _, s := range p.standards { // in standard order: deterministic
					q, ok := h.qty[s.code]
					if !ok {
						continue
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO land_household_items (household_id, standard_id, quantity_milli) VALUES (?, ?, ?)`, hids[i], sid[s.code], q); err != nil {
						return err
					}
				}
			}
			pay := func(i int, code string, amount int64, day string) error {
				enc, err := m.Seal.Encrypt([]byte(payees[i].id), []byte(landAADPayee))
				if err != nil {
					return err
				}
				_, err = tx.ExecContext(ctx, `INSERT INTO land_payments (project_id, household_id, standard_id, amount_fen, paid_on, payee_name, payee_enc, payee_idx, payee_mask, created_by, created_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`, pid, hids[i], sid[code], amount, day, payees[i].name, enc,
					m.Seal.BlindIndex(landIdxDomain, payees[i].id), ident.MaskIDNumber(payees[i].id), at)
				return err
			}
			for i, h := range p.households {
				for _, s := range p.standards {
					q, ok := h.qty[s.code]
					if !ok {
						continue
					}
					amount := LandEntitled(q, s.fen)
					if o, ok := p.over[[2]string{h.head, s.code}]; ok {
						amount = o
					}
					if err := pay(i, s.code, amount, p.paidOn); err != nil {
						return err
					}
				}
			}
			for _, x := range p.extra {
				h := p.households[x.household]
				amount := x.amount
				if amount == 0 {
					amount = LandEntitled(h.qty[x.code], fenOf[x.code])
				}
				if err := pay(x.household, x.code, amount, x.day); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func init() {
	demoParts = append(demoParts, demoPart{Order: 85, Load: loadLandDemo})
}
