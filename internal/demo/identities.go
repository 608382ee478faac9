package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"zhongshu/internal/platform/ident"
)

// gen draws every random choice of the dataset from one generator with a
// fixed seed, so that each run produces the same people, numbers and
// companies. It also remembers what it issued: no two people share a
// 身份证号 or a mobile, no two companies a credit code or a name.
type gen struct {
	r        *rand.Rand
	idNums   map[string]bool
	mobiles  map[string]bool
	credits  map[string]bool
	entNames map[string]bool
}

func newGen() *gen {
	return &gen{
		r:      rand.New(rand.NewPCG(2021, 1221)),
		idNums: map[string]bool{}, mobiles: map[string]bool{}, credits: map[string]bool{}, entNames: map[string]bool{},
	}
}

// between returns an int in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// chance reports true with probability pct/100.
func (g *gen) chance(pct int) bool { return g.r.IntN(100) < pct }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// surname draws a surname, the common Hebei ones three times as often.
func (g *gen) surname() string {
	if g.r.IntN(len(surnamesCommon)*3+len(surnamesOther)) < len(surnamesCommon)*3 {
		return pick(g, surnamesCommon)
	}
	return pick(g, surnamesOther)
}

// name composes a fictional name; surname "" draws one.
func (g *gen) name(gender byte, surname string) string {
	pool := givenMale
	if gender == 'F' {
		pool = givenFemale
	}
	for {
		s := surname
		if s == "" {
			s = g.surname()
		}
		a := pool[g.r.IntN(len(pool))]
		n := s + string(a)
		if g.chance(72) {
			b := pool[g.r.IntN(len(pool))]
			if b == a {
				continue
			}
			n += string(b)
		}
		if !famous[n] {
			return n
		}
	}
}

// idNumber issues a valid, unused 18-digit 身份证号 for someone of the given
// gender born in [fromYear, toYear]; the 17th digit is odd for men and even
// for women (GB 11643). It returns the number and the birth year.
func (g *gen) idNumber(area string, fromYear, toYear int, gender byte) (string, int) {
	for {
		y := g.between(fromYear, toYear)
		body := fmt.Sprintf("%s%04d%02d%02d%02d%d", area, y, g.between(1, 12), g.between(1, 28), g.r.IntN(100), g.genderDigit(gender))
		c, err := ident.IDCheckChar(body)
		if err != nil {
			panic("demo: generated an invalid ID body " + body)
		}
		id := body + string(c)
		if !g.idNums[id] {
			g.idNums[id] = true
			return id, y
		}
	}
}

func (g *gen) genderDigit(gender byte) int {
	d := 2 * g.r.IntN(5) // even: female
	if gender == 'M' {
		d++
	}
	return d
}

// mobile issues an unused 13x/15x/18x mobile number.
func (g *gen) mobile() string {
	for {
		m := fmt.Sprintf("%s%08d", pick(g, mobilePrefixes), g.r.IntN(100_000_000))
		if !g.mobiles[m] {
			g.mobiles[m] = true
			return m
		}
	}
}

// creditChars are the characters GB 32100 allows in the organisation part.
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCode issues an unused, valid 统一社会信用代码 of an enterprise
// registered in 沧州 (91 130900): an 8-character organisation body — the
// older all-digit form or the post-2015 "MA0…" form — its GB 11714 check
// character, then the GB 32100 check character.
func (g *gen) creditCode(modern bool) string {
	for {
		var b strings.Builder
		if modern {
			b.WriteString("MA0")
			for range 5 {
				b.WriteByte(creditChars[g.r.IntN(len(creditChars))])
			}
		} else {
			fmt.Fprintf(&b, "%d%07d", g.between(1, 7), g.r.IntN(10_000_000))
		}
		org, err := ident.OrgCodeCheck(b.String())
		if err != nil {
			panic("demo: generated an invalid organisation code " + b.String())
		}
		body := "91130900" + b.String() + string(org)
		c, err := ident.CreditCheckChar(body)
		if err != nil {
			panic("demo: generated an invalid credit code body " + body)
		}
		code := body + string(c)
		if !g.credits[code] {
			g.credits[code] = true
			return code
		}
	}
}

// companyName composes an unused company name for a kind of business.
func (g *gen) companyName(k industryKind) string {
	for {
		n := pick(g, companyPlaces) + pick(g, companyBrands) + k.Word
		if g.chance(10) {
			n += "股份有限公司"
		} else {
			n += "有限公司"
		}
		if !g.entNames[n] {
			g.entNames[n] = true
			return n
		}
	}
}

// address is a plausible street address in the zone.
func (g *gen) address() string {
	return fmt.Sprintf("沧州经济开发区%s%d号", pick(g, roads), g.between(1, 199))
}

// date returns a "YYYY-MM-DD" day in year between months m1 and m2.
func (g *gen) date(year, m1, m2 int) string {
	return fmt.Sprintf("%04d-%02d-%02d", year, g.between(m1, m2), g.between(1, 28))
}

// joinedParty returns a plausible 入党 date for someone born in birthYear:
// between the ages of 18 and 35, and no later than 2020 (so that every
// member has passed the probation year before the seed's 2021). Many are
// admitted on 1 July.
func (g *gen) joinedParty(birthYear int) string {
	lo, hi := birthYear+18, min(birthYear+35, 2020)
	if lo > hi {
		lo = hi
	}
	y := g.between(lo, hi)
	if g.chance(20) {
		return fmt.Sprintf("%04d-07-01", y)
	}
	return g.date(y, 1, 12)
}
