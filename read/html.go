package read

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html/charset"
)

// chromeSel is page chrome around a government page's article: navigation, breadcrumbs,
// headers, footers, share and 字号 widgets.
const chromeSel = "script,style,noscript,iframe,form,nav,header,footer,aside,button,select," +
	"[class*=nav],[id*=nav],[class*=menu],[id*=menu],[class*=breadcrumb],[class*=crumb],[class*=footer],[id*=footer]," +
	"[class*=header],[id*=header],[class*=share],[class*=toolbar],[class*=sidebar],[class*=fontsize],[class*=meta],[id*=meta]"

// readHTML reads a web page's main content: the element holding the most paragraph text
// once page chrome is removed; every p, heading, list item and table row in it is one
// passage. Metadata come from meta tags and the header block (发布机构：…, 发文字号：…).
func readHTML(b []byte) (*source, error) {
	enc, name, _ := charset.DetermineEncoding(b, "text/html")
	u, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		u = b
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(u))
	if err != nil {
		return nil, fail(ErrCorrupt, "", "HTML: %v", err)
	}
	s := &source{blocks: true, encoding: name}
	s.meta = htmlMeta(doc)
	doc.Find(chromeSel).Remove()
	var best *goquery.Selection
	bestN := 0
	doc.Find("body, body *").Each(func(_ int, sel *goquery.Selection) {
		n := 0
		sel.ChildrenFiltered("p,h1,h2,h3,h4,h5,h6,ul,ol,table,div").Each(func(_ int, c *goquery.Selection) {
			if goquery.NodeName(c) != "div" || c.Children().Length() == 0 {
				n += len([]rune(strings.TrimSpace(c.Text())))
			}
		})
		if n > bestN {
			best, bestN = sel, n
		}
	})
	if best == nil {
		return s, nil
	}
	heading := ""
	base := elemPath(best)
	best.Find("p,h1,h2,h3,h4,h5,h6,li,tr,div").Each(func(i int, e *goquery.Selection) {
		tag := goquery.NodeName(e)
		if tag == "div" && e.Find("p,h1,h2,h3,h4,h5,h6,li,tr,div").Length() > 0 {
			return
		}
		if tag == "p" && e.ParentsFiltered("li,td,th").Length() > 0 {
			return
		}
		var t string
		if tag == "tr" {
			var cells []string
			e.Find("td,th").Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.TrimSpace(c.Text())) })
			t = strings.Join(cells, " | ")
		} else {
			t = e.Text()
		}
		if strings.TrimSpace(t) == "" {
			return
		}
		if tag[0] == 'h' && len(tag) == 2 {
			heading = strings.TrimSpace(t)
		}
		s.place(Place{Path: base + "/" + tag + "[" + itoa(i) + "]", Heading: heading})
		s.line(t)
	})
	return s, nil
}

func itoa(i int) string { return fmtInt(i) }

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}

func elemPath(sel *goquery.Selection) string {
	var parts []string
	for e := sel; e.Length() > 0 && goquery.NodeName(e) != "html"; e = e.Parent() {
		p := goquery.NodeName(e)
		if id, ok := e.Attr("id"); ok && id != "" {
			p += "#" + id
		}
		parts = append([]string{p}, parts...)
	}
	return strings.Join(parts, "/")
}

var headerLabel = regexp.MustCompile(`(发布机构|发文机关|发文单位|来源|发文字号|文号|发布日期|成文日期|发布时间)`)

var headerField = regexp.MustCompile(`(发布机构|发文机关|发文单位|来源|发文字号|文号|发布日期|成文日期|发布时间)\s*[：:]\s*([^\s：:]+)`)

func htmlMeta(doc *goquery.Document) Meta {
	m := Meta{From: "html meta"}
	m.Title = strings.TrimSpace(doc.Find("title").First().Text())
	doc.Find("meta").Each(func(_ int, e *goquery.Selection) {
		name, _ := e.Attr("name")
		if name == "" {
			name, _ = e.Attr("property")
		}
		v, _ := e.Attr("content")
		switch strings.ToLower(name) {
		case "articletitle", "og:title":
			m.Title = v
		case "pubdate", "firstpublishedtime", "article:published_time":
			m.Date = v
		case "contentsource", "author":
			m.Issuer = v
		}
	})
	body := headerLabel.ReplaceAllString(doc.Find("body").Text(), " $1")
	for _, f := range headerField.FindAllStringSubmatch(body, -1) {
		m.From = "html meta, html header"
		switch f[1] {
		case "发布机构", "发文机关", "发文单位", "来源":
			m.Issuer = f[2]
		case "发文字号", "文号":
			m.Number = f[2]
		default:
			m.Date = f[2]
		}
	}
	return m
}
