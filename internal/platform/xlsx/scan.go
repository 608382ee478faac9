package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// A minimal pull scanner for the XML Excel, WPS and excelize write: start
// and end tags, text, CDATA, comments and processing instructions; a DOCTYPE
// is refused (no spreadsheet part has one, and entity definitions are an
// attack surface). It keeps one window of the input and grows it only to
// hold the longest single token, up to a bound, so reading a sheet of any
// length costs the same memory.

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
	tokText
)

var errMalformed = errors.New("xlsx: malformed XML")

type scanner struct {
	r        io.Reader
	buf      []byte
	pos, end int
	eof      bool
	max      int // bound on the window: the longest token accepted

	// The current token; the slices point into buf until the next call.
	kind  tokKind
	name  []byte // local name (a namespace prefix is dropped)
	attrs []byte // the raw attribute text of a start tag
	self  bool   // <x/>
	text  []byte // raw text, entities not yet decoded
	cdata bool
}

func newScanner(r io.Reader, max int) *scanner {
	return &scanner{r: r, buf: make([]byte, 32<<10), max: max}
}

// more moves the unread bytes to the front, grows the window if it is full
// and reads; false at the end of input. Offsets relative to pos survive it.
func (s *scanner) more() (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= s.max {
			return false, fmt.Errorf("xlsx: an XML token is longer than %d bytes", s.max)
		}
		nb := make([]byte, min(2*len(s.buf), s.max))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return n > 0, nil
		}
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
}

// find returns the offset from pos of sep at or after offset from, reading
// as needed; -1 at the end of input.
func (s *scanner) find(from int, sep []byte) (int, error) {
	for {
		if i := bytes.Index(s.buf[s.pos+from:s.end], sep); i >= 0 {
			return from + i, nil
		}
		from = max(from, s.end-s.pos-len(sep)+1)
		ok, err := s.more()
		if err != nil {
			return -1, err
		}
		if !ok {
			return -1, nil
		}
	}
}

// next reads the next token.
func (s *scanner) next() error {
	s.name, s.attrs, s.text, s.self, s.cdata = nil, nil, nil, false, false
	for {
		if s.pos == s.end {
			ok, err := s.more()
			if err != nil {
				return err
			}
			if !ok {
				s.kind = tokEOF
				return nil
			}
		}
		if s.buf[s.pos] != '<' {
			i, err := s.find(0, []byte{'<'})
			if err != nil {
				return err
			}
			if i < 0 {
				i = s.end - s.pos
			}
			s.kind, s.text = tokText, s.buf[s.pos:s.pos+i]
			s.pos += i
			return nil
		}
		// A markup token: make sure its first bytes are in the window.
		for s.end-s.pos < 9 {
			ok, err := s.more()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
		}
		w := s.buf[s.pos:s.end]
		switch {
		case bytes.HasPrefix(w, []byte("<?")):
			if err := s.skipPast([]byte("?>"), 2); err != nil {
				return err
			}
			continue
		case bytes.HasPrefix(w, []byte("<!--")):
			if err := s.skipPast([]byte("-->"), 4); err != nil {
				return err
			}
			continue
		case bytes.HasPrefix(w, []byte("<![CDATA[")):
			i, err := s.find(9, []byte("]]>"))
			if err != nil {
				return err
			}
			if i < 0 {
				return errMalformed
			}
			s.kind, s.text, s.cdata = tokText, s.buf[s.pos+9:s.pos+i], true
			s.pos += i + 3
			return nil
		case bytes.HasPrefix(w, []byte("<!")):
			return fmt.Errorf("xlsx: DOCTYPE or unknown declaration: %w", errMalformed)
		}
		return s.tag()
	}
}

func (s *scanner) skipPast(sep []byte, from int) error {
	i, err := s.find(from, sep)
	if err != nil {
		return err
	}
	if i < 0 {
		return errMalformed
	}
	s.pos += i + len(sep)
	return nil
}

// tag reads a start or end tag; '>' inside a quoted attribute value does not
// end it.
func (s *scanner) tag() error {
	var quote byte
	k := 1
	for {
		if s.pos+k >= s.end {
			ok, err := s.more()
			if err != nil {
				return err
			}
			if !ok {
				return errMalformed
			}
			continue
		}
		c := s.buf[s.pos+k]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
		} else if c == '"' || c == '\'' {
			quote = c
		} else if c == '>' {
			break
		}
		k++
	}
	t := s.buf[s.pos+1 : s.pos+k]
	s.pos += k + 1
	if len(t) > 0 && t[0] == '/' {
		s.kind, s.name = tokEnd, localName(trimSpaceRight(t[1:]))
		if len(s.name) == 0 {
			return errMalformed
		}
		return nil
	}
	if len(t) > 0 && t[len(t)-1] == '/' {
		s.self, t = true, t[:len(t)-1]
	}
	n := 0
	for n < len(t) && !isSpace(t[n]) {
		n++
	}
	if n == 0 {
		return errMalformed
	}
	s.kind, s.name, s.attrs = tokStart, localName(t[:n]), t[n:]
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimSpaceRight(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func localName(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// attr returns the raw value of the attribute with local name key in a
// start tag's attribute text.
func attr(a []byte, key string) ([]byte, bool, error) {
	for {
		for len(a) > 0 && isSpace(a[0]) {
			a = a[1:]
		}
		if len(a) == 0 {
			return nil, false, nil
		}
		eq := bytes.IndexByte(a, '=')
		if eq <= 0 {
			return nil, false, errMalformed
		}
		name := localName(trimSpaceRight(a[:eq]))
		a = a[eq+1:]
		for len(a) > 0 && isSpace(a[0]) {
			a = a[1:]
		}
		if len(a) == 0 || (a[0] != '"' && a[0] != '\'') {
			return nil, false, errMalformed
		}
		q := bytes.IndexByte(a[1:], a[0])
		if q < 0 {
			return nil, false, errMalformed
		}
		v := a[1 : 1+q]
		a = a[q+2:]
		if string(name) == key {
			return v, true, nil
		}
	}
}

// appendText appends raw XML text with its entities decoded and line ends
// normalised as an XML parser must (CR LF and CR become LF); CDATA is taken
// as is except for line ends. Invalid UTF-8 is refused: it would fail later
// in a store that checks encodings.
func appendText(dst, raw []byte, cdata bool) ([]byte, error) {
	if !utf8.Valid(raw) {
		return dst, fmt.Errorf("xlsx: text is not UTF-8: %w", errMalformed)
	}
	for len(raw) > 0 {
		i := bytes.IndexAny(raw, "&\r")
		if cdata {
			i = bytes.IndexByte(raw, '\r')
		}
		if i < 0 {
			return append(dst, raw...), nil
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		if raw[0] == '\r' {
			dst = append(dst, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 12 {
			return dst, fmt.Errorf("xlsx: bad entity: %w", errMalformed)
		}
		ent := raw[1:semi]
		raw = raw[semi+1:]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			if len(ent) < 2 || ent[0] != '#' {
				return dst, fmt.Errorf("xlsx: unknown entity &%s;: %w", ent, errMalformed)
			}
			var n uint64
			var err error
			if ent[1] == 'x' {
				n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
			} else {
				n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
			}
			if err != nil || !utf8.ValidRune(rune(n)) {
				return dst, fmt.Errorf("xlsx: bad character reference &%s;: %w", ent, errMalformed)
			}
			dst = utf8.AppendRune(dst, rune(n))
		}
	}
	return dst, nil
}

// skip reads past the end of the element whose start tag was just read.
func (s *scanner) skip() error {
	if s.self {
		return nil
	}
	for depth := 1; depth > 0; {
		if err := s.next(); err != nil {
			return err
		}
		switch s.kind {
		case tokEOF:
			return errMalformed
		case tokStart:
			if !s.self {
				depth++
			}
		case tokEnd:
			depth--
		}
	}
	return nil
}

// appendBSTR decodes the _xHHHH_ escapes OOXML uses for characters XML
// cannot carry (_x005F_ is a literal underscore), as excelize does for
// shared and inline strings; an escape naming no valid character is dropped.
func appendBSTR(dst, s []byte) []byte {
	for {
		i := bytes.Index(s, []byte("_x"))
		if i < 0 || len(s)-i < 7 {
			return append(dst, s...)
		}
		h := s[i+2 : i+6]
		if s[i+6] != '_' || !isHex4(h) {
			dst = append(dst, s[:i+1]...)
			s = s[i+1:]
			continue
		}
		dst = append(dst, s[:i]...)
		n, _ := strconv.ParseUint(string(h), 16, 32)
		if r := rune(n); utf8.ValidRune(r) {
			dst = utf8.AppendRune(dst, r)
		}
		s = s[i+7:]
	}
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
