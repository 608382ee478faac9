package directory

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhongshu/internal/platform/errs"
	"zhongshu/internal/platform/ident"
)

func text(field, zhName, enName, s string, min, max int) (string, *errs.Error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n < min {
		return s, errs.Field(field, zhName+"不能为空", enName+" is required")
	}
	if n > max {
		return s, errs.Field(field, fmt.Sprintf("%s不能超过 %d 个字", zhName, max), fmt.Sprintf("%s must not exceed %d characters", enName, max))
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return s, errs.Field(field, zhName+"含有不可见字符", enName+" contains control characters")
		}
	}
	return s, nil
}

// normalPerson is a validated person ready to store.
type normalPerson struct {
	PersonInput
	Gender    string
	BirthYear int
}

// validatePerson checks every field and returns all the faults at once.
func validatePerson(in PersonInput, now time.Time) (normalPerson, errs.List) {
	var l errs.List
	out := normalPerson{PersonInput: in}
	var e *errs.Error
	if out.Name, e = text("name", "姓名", "name", in.Name, 1, 50); e != nil {
		l = append(l, e)
	}
	id, err := ident.IDNumber(in.IDNumber, now)
	if err != nil {
		l = append(l, errs.As(err))
	} else {
		out.IDNumber = id
		out.BirthYear, _ = strconv.Atoi(id[6:10])
		// GB 11643: the 17th digit is odd for men, even for women.
		if (id[16]-'0')%2 == 1 {
			out.Gender = "M"
		} else {
			out.Gender = "F"
		}
	}
	if strings.TrimSpace(in.Mobile) != "" {
		m, err := ident.Mobile(in.Mobile)
		if err != nil {
			l = append(l, errs.As(err))
		}
		out.Mobile = m
	} else {
		l = append(l, errs.Field("mobile", "手机号不能为空", "mobile is required"))
	}
	if in.JoinedPartyOn != "" {
		if _, err := time.Parse("2006-01-02", in.JoinedPartyOn); err != nil {
			l = append(l, errs.Field("joined_party_on", "入党日期须为 YYYY-MM-DD", "joined_party_on must be YYYY-MM-DD"))
		}
		out.PartyMember = true
	}
	return out, l
}

// validateEnterprise checks an enterprise's fields.
func validateEnterprise(in EnterpriseInput) (EnterpriseInput, errs.List) {
	var l errs.List
	var e *errs.Error
	if in.Name, e = text("name", "企业名称", "enterprise name", in.Name, 2, 100); e != nil {
		l = append(l, e)
	}
	cc, err := ident.CreditCode(in.CreditCode)
	if err != nil {
		l = append(l, errs.As(err))
	}
	in.CreditCode = cc
	if in.Industry, e = text("industry", "行业", "industry", in.Industry, 0, 50); e != nil {
		l = append(l, e)
	}
	if in.Address, e = text("address", "地址", "address", in.Address, 0, 200); e != nil {
		l = append(l, e)
	}
	for _, d := range in.Designations {
		if !slices.ContainsFunc(Designations, func(x struct{ Code, Zh, En string }) bool { return x.Code == d }) {
			l = append(l, errs.Field("designations", "未知的企业称号："+d, "unknown designation: "+d))
		}
	}
	return in, l
}

// DesignationCode maps a Chinese or English designation name (as typed in an
// import file) to its code.
func DesignationCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, d := range Designations {
		if s == d.Code || s == d.Zh || strings.EqualFold(s, d.En) {
			return d.Code, true
		}
	}
	return "", false
}
