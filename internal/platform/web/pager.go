package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Pager is a page of a list, with links that keep the other query values.
type Pager struct {
	Page, Pages, Total, Size int
	Prev, Next               string
}

// PageOf reads ?page= and returns the pager's offset and limit.
func PageOf(r *http.Request, size int) (page, offset, limit int) {
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 || page > 100000 {
		page = 1
	}
	return page, (page - 1) * size, size
}

// NewPager builds the links for a list of total items.
func NewPager(r *http.Request, page, size, total int) *Pager {
	p := &Pager{Page: page, Total: total, Size: size, Pages: (total + size - 1) / size}
	link := func(n int) string {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("page", fmt.Sprint(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}
