package study

import (
	"fmt"
	"unicode/utf8"

	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/upload"
)

// OutreachCode is one value of a closed list (a kind or a target) with its
// names in both languages.
type OutreachCode struct {
	Code string `json:"code"`
	Zh   string `json:"zh"`
	En   string `json:"en"`
}

// LectureGroupKinds are the six kinds of lecture group the seed names:
// "建立了处级干部宣讲团和机关、企业、农村党支部书记宣讲团、教师宣讲团、志愿者宣讲团等6个宣讲团".
var LectureGroupKinds = []OutreachCode{
	{"cadre", "处级干部宣讲团", "Senior cadres' lecture group"},
	{"organ_secretary", "机关党支部书记宣讲团", "Organ branch secretaries' lecture group"},
	{"enterprise_secretary", "企业党支部书记宣讲团", "Enterprise branch secretaries' lecture group"},
	{"village_secretary", "农村党支部书记宣讲团", "Village branch secretaries' lecture group"},
	{"teacher", "教师宣讲团", "Teachers' lecture group"},
	{"volunteer", "志愿者宣讲团", "Volunteers' lecture group"},
}

// SixTargets are the "six into" targets (六进) of the seed: "进企业、进农村、
// 进机关、进校园、进社区、进网络", in the seed's order.
var SixTargets = []OutreachCode{
	{"enterprise", "企业", "Enterprises"},
	{"village", "农村", "Villages"},
	{"organ", "机关", "Organs"},
	{"campus", "校园", "Campuses"},
	{"community", "社区", "Communities"},
	{"network", "网络", "Online"},
}

// CampaignKinds: a film screening (观影, with its attendance), an essay
// contest (征文比赛) and a works collection (作品征集).
var CampaignKinds = []OutreachCode{
	{"film", "观影", "Film screening"},
	{"essay", "征文比赛", "Essay contest"},
	{"works", "作品征集", "Works collection"},
}

// AwardLevels are the prizes a campaign publishes, highest first.
var AwardLevels = []OutreachCode{
	{"first", "一等奖", "First prize"},
	{"second", "二等奖", "Second prize"},
	{"third", "三等奖", "Third prize"},
	{"excellent", "优秀奖", "Honourable mention"},
}

// BoardKinds are the sites of theory display boards the seed lists: "在辖区
// 主次干道、工地围挡、交通路口、管委会机关、校园、社区广场等设置了…展示牌".
var BoardKinds = []OutreachCode{
	{"road", "主次干道", "Main and secondary roads"},
	{"site_hoarding", "工地围挡", "Construction hoardings"},
	{"crossing", "交通路口", "Crossroads"},
	{"organ", "管委会机关", "Administrative committee"},
	{"campus", "校园", "Campuses"},
	{"square", "社区广场", "Community squares"},
}

func outreachHas(list []OutreachCode, code string) bool {
	for _, c := range list {
		if c.Code == code {
			return true
		}
	}
	return false
}

// outreachName names a code in a language (the code itself if unknown).
func outreachName(list []OutreachCode, code, lang string) string {
	for _, c := range list {
		if c.Code == code {
			if lang == "en" {
				return c.En
			}
			return c.Zh
		}
	}
	return code
}

func orRunes(s string) int { return utf8.RuneCountInString(s) }

// orText checks a required text's length in characters.
func orText(l *errs.List, field, zhName, enName, v string, minN, maxN int) {
	if n := orRunes(v); n < minN || n > maxN {
		*l = append(*l, errs.Field(field, fmt.Sprintf("%s须为 %d–%d 个字，现为 %d 个字", zhName, minN, maxN, n),
			fmt.Sprintf("%s must be %d–%d characters; it has %d", enName, minN, maxN, n)))
	}
}

// ---- coverage of the six targets ----

// LectureReach is one lecture as the coverage matrix needs it.
type LectureReach struct {
	Lecture int64
	Month   int // 1–12
	Targets []string
}

// Coverage is the "six into" coverage of a year: lectures reaching each
// target in each month. A lecture that reaches two targets counts once in
// each of their rows but once only in its month's total of lectures held,
// so the totals row is not the sum of the target rows.
type Coverage struct {
	Year    int            `json:"year"`
	Rows    []CoverageRow  `json:"rows"`
	Months  [12]int        `json:"months"` // lectures held per month
	Total   int            `json:"total"`  // lectures held in the year
	Reached int            `json:"reached"`
	Targets []OutreachCode `json:"-"`
	Missing []string       `json:"missing"` // targets no lecture reached
}

// CoverageRow is one target's lectures per month.
type CoverageRow struct {
	Target string  `json:"target"`
	Months [12]int `json:"months"`
	Total  int     `json:"total"`
}

// LectureCoverage builds the targets × months matrix of a year from its
// lectures (DOMAIN.md: "Coverage of the six targets is a dashboard"). Month
// values outside 1–12 and unknown targets are ignored; a target listed
// twice for one lecture counts once.
func LectureCoverage(year int, lectures []LectureReach) Coverage {
	c := Coverage{Year: year, Targets: SixTargets, Missing: []string{}}
	idx := map[string]int{}
	for i, t := range SixTargets {
		c.Rows = append(c.Rows, CoverageRow{Target: t.Code})
		idx[t.Code] = i
	}
	for _, l := range lectures {
		if l.Month < 1 || l.Month > 12 {
			continue
		}
		m := l.Month - 1
		c.Months[m]++
		c.Total++
		seen := map[string]bool{}
		for _, t := range l.Targets {
			i, ok := idx[t]
			if !ok || seen[t] {
				continue
			}
			seen[t] = true
			c.Rows[i].Months[m]++
			c.Rows[i].Total++
		}
	}
	for _, r := range c.Rows {
		if r.Total > 0 {
			c.Reached++
		} else {
			c.Missing = append(c.Missing, r.Target)
		}
	}
	return c
}

// ---- attachments ----

// Attachment limits (issue 3 item 9: "text and attachments with type and
// size checks"; the limits are this part's configuration by code).
// Attachments are checked by the platform's upload rules (shared with the
// organ module's evidence and minutes).
const (
	AttachmentMaxBytes = upload.MaxBytes // per file
	AttachmentMaxFiles = 3               // per submission
)

var attachmentTypes = upload.Types

// CheckAttachment decides whether an uploaded file may be kept; see upload.Check.
func CheckAttachment(name string, data []byte) (string, error) { return upload.Check(name, data) }

// AttachmentName is upload.SafeName.
func AttachmentName(name string) string { return upload.SafeName(name) }
