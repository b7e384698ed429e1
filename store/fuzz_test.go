package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for the inputs of the API that the store turns into query parameters: search
// text (→ a Lucene query string, the one place user text is parsed by Neo4j) and the three
// kinds of cursor.

// luceneShape checks that q, made by LuceneQuery, can only mean "these phrases": outside
// phrases it holds nothing but ^2, OR, AND, parentheses and spaces; inside a phrase every
// Lucene special character is escaped, and every phrase is closed.
func luceneShape(q string) (ok bool, why string) {
	const special = `\+-!():^[]"{}~*?|&/`
	i := 0
	for i < len(q) {
		switch {
		case q[i] == '"':
			i++
			closed := false
			for i < len(q) {
				if q[i] == '\\' {
					if i+1 >= len(q) {
						return false, "escape at the end"
					}
					i += 2
					continue
				}
				if q[i] == '"' {
					closed = true
					i++
					break
				}
				if q[i] == 0 {
					return false, "NUL in a phrase"
				}
				if strings.IndexByte(special, q[i]) >= 0 {
					return false, "unescaped " + string(q[i]) + " in a phrase"
				}
				i++
			}
			if !closed {
				return false, "unclosed phrase"
			}
		case strings.HasPrefix(q[i:], "^2"):
			i += 2
		case strings.HasPrefix(q[i:], " OR "), strings.HasPrefix(q[i:], " AND "):
			i += strings.Index(q[i+1:], " ") + 2
		case q[i] == '(' || q[i] == ')':
			i++
		default:
			return false, "unexpected " + q[i:min(i+10, len(q))]
		}
	}
	return true, ""
}

func FuzzLuceneQuery(f *testing.F) {
	for _, s := range []string{"长宁", "人工智能 区块链", `"}) MATCH (n) DETACH DELETE n //`, "*:*", "AND OR", "a\\", `\"`,
		"name:x~2^3", "(((", "a\x00b", "\xff\xfe", "  ", "a  OR  b", "/regex/", "&&||!", "[1 TO 5]", "{a}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q := LuceneQuery(text)
		if strings.TrimSpace(text) == "" {
			if q != "" {
				t.Fatalf("blank text %q gave %q", text, q)
			}
			return
		}
		if q == "" {
			return // only NUL characters: nothing to search, refused by Search
		}
		if ok, why := luceneShape(q); !ok {
			t.Fatalf("LuceneQuery(%q) = %q: %s", text, q, why)
		}
		if utf8.ValidString(text) && !utf8.ValidString(q) {
			t.Fatalf("LuceneQuery(%q) = %q is not valid UTF-8", text, q)
		}
	})
}

func FuzzCursors(f *testing.F) {
	for _, s := range []string{"", "policy:长宁", Cursor("policy:x"), encodeOffset(5), "o:-1", "b246LTE", "*:*", "a:|", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Decoding never panics and fails only with a clear error.
		if _, err := DecodeCursor(s); err != nil && !strings.Contains(err.Error(), "malformed cursor") {
			t.Fatalf("DecodeCursor(%q): %v", s, err)
		}
		if n, err := decodeOffset(s); err == nil && (n < 0 || n >= 1<<30) {
			t.Fatalf("decodeOffset(%q) = %d", s, n)
		}
		if at, id, err := decodeAuditCursor(s); err == nil && (at == "" || id == "") {
			t.Fatalf("decodeAuditCursor(%q) = %q, %q", s, at, id)
		}
		// Round trips.
		if got, err := DecodeCursor(Cursor(s)); err != nil || got != s {
			t.Fatalf("Cursor round trip of %q: %q, %v", s, got, err)
		}
		if s != "" && !strings.Contains(s, "|") {
			ev := AuditEvent{At: "2026-01-01T00:00:00Z", ID: s}
			if at, id, err := decodeAuditCursor(encodeAuditCursor(ev)); err != nil || at != ev.At || id != s {
				t.Fatalf("audit cursor round trip of %q: %q %q %v", s, at, id, err)
			}
		}
	})
}
