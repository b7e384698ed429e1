package extract

import (
	"regexp"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Lines of bodies: a joint notice names its issuers in a header (one per line, or several on
// a line, run together once the spaces between them are normalised away) and again in its
// signature block.

// bodyHeads end the name of an issuing body.
var bodyHeads = []string{"委员会", "委員會", "人民政府", "办公室", "辦公室", "管委会", "管委會", "局"}

// leadPlaceRE reads the place a body's name starts with (黄浦区, 浦东新区, 上海市).
var leadPlaceRE = regexp.MustCompile(`^\p{Han}{1,4}?[区市县省區縣]`)

// splitBodies cuts a line into the bodies it names when it is nothing but bodies: each part
// ends in a body head and the next part starts with the same place as the first
// (黄浦区科学技术委员会黄浦区财政局 → 黄浦区科学技术委员会, 黄浦区财政局). It returns nil for
// any other line.
func splitBodies(s string) []string {
	s = strings.Join(strings.Fields(s), "")
	lead := leadPlaceRE.FindString(s)
	if lead == "" || runeLen(s) > 80 || strings.ContainsAny(s, "。，；：、,;:（(《“") {
		return nil
	}
	var parts []string
	for s != "" {
		cut := -1
		// the shortest prefix that ends in a head and is followed by the place again (or the end)
		for i := len(lead); i <= len(s); i++ {
			if !strings.HasPrefix(s[i:], lead) && i != len(s) {
				continue
			}
			for _, h := range bodyHeads {
				if strings.HasSuffix(s[:i], h) && runeLen(s[:i]) > runeLen(lead)+1 {
					cut = i
					break
				}
			}
			if cut >= 0 {
				break
			}
		}
		if cut < 0 {
			return nil
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	return parts
}

// bodyMentions records the bodies parts, named in order from offset off, as organisations.
func (x *extractor) bodyMentions(off, limit int, parts []string) []*entity {
	var out []*entity
	for _, b := range parts {
		for off < limit && strings.ContainsRune(" \t　", x.text[off]) {
			off++
		}
		st := off
		for _, r := range b {
			for off < limit && x.text[off] != r && strings.ContainsRune(" \t　", x.text[off]) {
				off++
			}
			off++
		}
		c, _ := cueOf(b)
		out = append(out, x.entityFor(&mention{kind: model.KindOrganization, name: b, start: st, end: min(off, limit), rule: "signature", conf: confHeader, props: c.props}))
	}
	return out
}

// headerBodies finds the bodies named alone at the top of a document, before its title
// (a joint notice's header, which may run together with its number and title): they
// issue it.
func (x *extractor) headerBodies() {
	var bodies []*entity
	var first, last int
	for k := 0; k < len(x.paras) && k < 6; k++ {
		p := x.paras[k]
		st, en := p.start, p.end
		s := x.str(st, en)
		if loc := docNumRE.FindStringIndex(s); loc != nil && loc[0] == 0 {
			st += runeLen(s[:loc[1]])
			s = s[loc[1]:]
		}
		title := false
		if i := strings.Index(s, "关于"); i >= 0 {
			en = st + runeLen(s[:i])
			s = s[:i]
			title = true
		}
		if strings.TrimSpace(s) != "" {
			parts := splitBodies(s)
			if parts == nil {
				return
			}
			if len(bodies) == 0 {
				first = st
			}
			last = en
			bodies = append(bodies, x.bodyMentions(st, en, parts)...)
		}
		if title {
			for _, b := range bodies {
				x.relate(model.RelIssuedBy, nil, b, source{first, last, "header-bodies", confHeader})
			}
			return
		}
	}
}
