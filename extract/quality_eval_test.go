package extract

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/model"
)

var heldOutRun = flag.Bool("heldout", false, "score the first held-out documents of testdata/heldout (now tuned on; for comparison)")

var heldOut2Run = flag.Bool("heldout2", false, "score the held-out documents of testdata/heldout2 (run once, after the work)")

// assertedDocs are the documents TestQuality holds to the targets: the five the rules were
// first developed on. Issue 19's documents are scored and reported beside them.
var assertedDocs = map[string]bool{"changning": true, "jiading-ic": true, "putuo": true, "xuhui": true, "yangpu-talent": true}

// goldDocument is what a reader takes from a document's header and signature block.
type goldDocument struct {
	Title      string   `yaml:"title"`
	Issuers    []string `yaml:"issuers"`
	Number     string   `yaml:"number"`
	Date       string   `yaml:"date"`
	Type       string   `yaml:"type"`
	Addressees []string `yaml:"addressees"`
}

// goldFigure is a figure of the text: its value in base units and unit (as quantity.Find
// gives them) and the subject it is about, alternatives separated by |.
type goldFigure struct {
	Of    string  `yaml:"of"`
	Value float64 `yaml:"value"`
	Unit  string  `yaml:"unit"`
}

// figureScore counts figures: found (value and unit), on the right subject, and extracted
// figures matching no gold figure (a page index read as a percentage, 三年 in a title).
type figureScore struct{ gold, found, subject, extracted, spurious int }

func (f *figureScore) add(o figureScore) {
	f.gold += o.gold
	f.found += o.found
	f.subject += o.subject
	f.extracted += o.extracted
	f.spurious += o.spurious
}

// metaScore counts document facts right / annotated: title, issuers (the set of bodies the
// document is ISSUED_BY), date.
type metaScore struct{ title, issuer, date, n int }

func (m *metaScore) add(o metaScore) {
	m.title += o.title
	m.issuer += o.issuer
	m.date += o.date
	m.n += o.n
}

func (ev *evaluation) evaluateFigures(r *Result, g gold, entGold map[string]int) {
	subjectOK := func(q Quantity, gf goldFigure) bool {
		for _, alt := range strings.Split(gf.Of, "|") {
			if alt == "@document" {
				if q.Subject == r.DocumentID {
					return true
				}
				continue
			}
			i, ok := entGold[q.Subject]
			if !ok || i < 0 {
				continue
			}
			for _, n := range g.Entities[i].names() {
				if n == fold(alt) {
					return true
				}
			}
		}
		return false
	}
	same := func(q Quantity, gf goldFigure) bool {
		return q.Unit == gf.Unit && math.Abs(q.Value-gf.Value) <= 1e-6*math.Max(1, math.Abs(gf.Value))
	}
	ev.figs.gold = len(g.Figures)
	ev.figs.extracted = len(r.Quantities)
	used := map[int]bool{}
	for gi, gf := range g.Figures {
		best, bestOK := -1, false
		for qi, q := range r.Quantities {
			if used[qi] || !same(q, gf) {
				continue
			}
			if ok := subjectOK(q, gf); best < 0 || (ok && !bestOK) {
				best, bestOK = qi, ok
			}
		}
		if best < 0 {
			ev.missFig = append(ev.missFig, fmt.Sprintf("%v %s (of %s) not found", gf.Value, gf.Unit, gf.Of))
			continue
		}
		used[best] = true
		ev.figs.found++
		if bestOK {
			ev.figs.subject++
		} else {
			q := r.Quantities[best]
			ev.missFig = append(ev.missFig, fmt.Sprintf("%s on %s, want %s", q.Raw, q.Subject, g.Figures[gi].Of))
		}
	}
	if len(g.Figures) > 0 {
		ev.figs.spurious = ev.figs.extracted - ev.figs.found
	}
}

func (ev *evaluation) evaluateDocument(r *Result, g gold) {
	if g.Document == nil {
		return
	}
	ev.meta.n = 1
	gd := g.Document
	if r.Meta != nil {
		if fold(r.Meta.Title) == fold(gd.Title) {
			ev.meta.title = 1
		}
		if r.Meta.Date == gd.Date {
			ev.meta.date = 1
		}
	}
	want := map[string]bool{}
	for _, n := range gd.Issuers {
		want[fold(n)] = true
	}
	got := map[string]bool{}
	for _, rel := range r.Relations {
		if rel.Type != model.RelIssuedBy || rel.From != r.DocumentID {
			continue
		}
		if e := r.Entity(rel.To); e != nil {
			names := append([]string{e.Name}, e.Aliases...)
			key := fold(e.Name)
			for _, n := range names {
				if want[fold(n)] {
					key = fold(n)
				}
			}
			got[key] = true
		}
	}
	if len(got) == len(want) {
		ok := true
		for k := range want {
			ok = ok && got[k]
		}
		if ok {
			ev.meta.issuer = 1
		}
	}
}

// calibration counts, per confidence bucket, the extracted entities and relations the gold
// judges (borderline ones left out) and how many of them are right.
type calibration struct{ n, right [5]int }

var calibBuckets = []struct {
	lo    float64
	label string
}{{0, "< 0.6"}, {0.6, "0.6–0.7"}, {0.7, "0.7–0.8"}, {0.8, "0.8–0.9"}, {0.9, "≥ 0.9"}}

func bucketOf(c float64) int {
	k := 0
	for i, b := range calibBuckets {
		if c >= b.lo-1e-9 {
			k = i
		}
	}
	return k
}

func (c *calibration) add(o calibration) {
	for i := range c.n {
		c.n[i] += o.n[i]
		c.right[i] += o.right[i]
	}
}

func (ev *evaluation) calibrate(r *Result, g gold, entGold map[string]int, _ map[int]bool, _ map[int]bool, goldRels map[rkeyT]int, endpoint func(string) (int, string)) {
	seen := map[int]bool{}
	for _, e := range r.Entities {
		i := entGold[e.ID]
		if e.Kind == model.KindIndustry && !g.Industries && i < 0 {
			continue
		}
		if i >= 0 && g.Entities[i].Optional {
			continue
		}
		k := bucketOf(best(e.Sources))
		ev.calib.n[k]++
		if i >= 0 && !seen[i] {
			ev.calib.right[k]++
			seen[i] = true
		}
	}
	relSeen := map[int]bool{}
	for _, rel := range r.Relations {
		f, _ := endpoint(rel.From)
		to, _ := endpoint(rel.To)
		if (f >= 0 && g.Entities[f].Optional) || (to >= 0 && g.Entities[to].Optional) {
			continue
		}
		i, ok := goldRels[rkeyT{string(rel.Type), f, to}]
		if ok && g.Relations[i].Optional {
			continue
		}
		k := bucketOf(best(rel.Sources))
		ev.calib.n[k]++
		if ok && !relSeen[i] {
			ev.calib.right[k]++
			relSeen[i] = true
		}
	}
}

func calibrationTable(c calibration) string {
	var b strings.Builder
	b.WriteString("| confidence | facts | right | fraction right |\n| --- | --- | --- | --- |\n")
	for i, bk := range calibBuckets {
		frac := "–"
		if c.n[i] > 0 {
			frac = fmt.Sprintf("%.2f", float64(c.right[i])/float64(c.n[i]))
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s |\n", bk.label, c.n[i], c.right[i], frac)
	}
	return b.String()
}

// figureMetaTable reports figures and document facts per document.
func figureMetaTable(evs []evaluation) string {
	var b strings.Builder
	b.WriteString("| document | figures gold | found | on right subject | extracted not in gold | title | issuers | date |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	var tf figureScore
	var tm metaScore
	mark := func(ok, n int) string {
		if n == 0 {
			return "–"
		}
		if ok == 1 {
			return "✓"
		}
		return "✗"
	}
	for _, ev := range evs {
		if ev.figs.gold == 0 && ev.meta.n == 0 {
			continue
		}
		tf.add(ev.figs)
		tm.add(ev.meta)
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %s | %s | %s |\n", ev.doc, ev.figs.gold, ev.figs.found, ev.figs.subject,
			ev.figs.spurious, mark(ev.meta.title, ev.meta.n), mark(ev.meta.issuer, ev.meta.n), mark(ev.meta.date, ev.meta.n))
	}
	fmt.Fprintf(&b, "| **total** | %d | %d | %d (%.2f) | %d | %d/%d | %d/%d | %d/%d |\n", tf.gold, tf.found, tf.subject,
		ratio(tf.subject, tf.gold), tf.spurious, tm.title, tm.n, tm.issuer, tm.n, tm.date, tm.n)
	return b.String()
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// heldOutMarker starts the section of quality.md that TestHeldOut writes; TestQuality keeps
// it when it rewrites the file.
const heldOutMarker = "<!-- held-out run: written by go test ./extract -run TestHeldOut -heldout -update -->"

// TestHeldOut scores the first held-out documents (testdata/heldout). They were run twice as
// held-out and joined the tuned set in the third issue-19 round; kept for comparison.
func TestHeldOut(t *testing.T) {
	if !*heldOutRun {
		t.Skip("first held-out set (now tuned): run with -heldout")
	}
	runHeldOut(t, "heldout", heldOutMarker, heldOutIntro)
}

// TestHeldOut2 scores the held-out documents of testdata/heldout2. They are not read by the
// tuning tests; run this once, after the work, and report its figures as they come.
func TestHeldOut2(t *testing.T) {
	if !*heldOut2Run {
		t.Skip("held out: run once with -heldout2")
	}
	runHeldOut(t, "heldout2", heldOut2Marker, heldOut2Intro)
}

// heldOut2Marker starts the section of quality.md that TestHeldOut2 writes.
const heldOut2Marker = "<!-- held-out run 2: written by go test ./extract -run TestHeldOut2 -heldout2 -update -->"

const heldOutIntro = "## First held-out set (issue 19; tuned on since the third round)\n\n" +
	"Four documents written and annotated before any rule change of the second round\n" +
	"(`testdata/heldout/`), run as held-out twice (baseline in `quality-baseline.md`). In the third\n" +
	"round they joined the tuned set: these figures are no longer held-out figures.\n\n"

const heldOut2Intro = "## Held-out run 2 (issue 19, third round)\n\n" +
	"Two documents written and annotated on 2026-12-07 before any rule change of the third round\n" +
	"(`testdata/heldout2/`: a proposal reply with salutation and signature, a web page with its\n" +
	"chrome), never read by the tuning tests, run once after the work with\n" +
	"`go test ./extract -run TestHeldOut2 -heldout2 -update -v`.\n\n"

func runHeldOut(t *testing.T, dir, marker, intro string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "docs", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no held-out documents: %v", err)
	}
	sort.Strings(files)
	var evs []evaluation
	var te, tr score
	var cal calibration
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		r, _ := extractFile(t, f, "document:"+name, Options{})
		ev := evaluate(name, r, loadGoldFile(t, filepath.Join("testdata", dir, "gold", name+".yaml"), name))
		evs = append(evs, ev)
		te.add(ev.ents)
		tr.add(ev.rels)
		cal.add(ev.calib)
	}
	section := marker + "\n" + heldOutSection(intro, evs, te, tr, cal)
	t.Log("\n" + section)
	if *update {
		path := filepath.Join("testdata", "quality.md")
		old, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		head, rest, _ := strings.Cut(string(old), marker)
		var tail string
		// keep the other held-out section where it is
		for _, m := range []string{heldOutMarker, heldOut2Marker} {
			if m == marker {
				continue
			}
			if i := strings.Index(rest, m); i >= 0 {
				tail = rest[i:]
			}
		}
		out := strings.TrimRight(head, "\n") + "\n\n" + section
		if tail != "" {
			out = strings.TrimRight(out, "\n") + "\n\n" + tail
		}
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if te.precision() < minEntityPrecision || te.recall() < minEntityRecall || tr.precision() < minRelationPrecision || tr.recall() < minRelationRecall {
		t.Errorf("%s: entities P %.2f R %.2f, relations P %.2f R %.2f: below the targets", dir, te.precision(), te.recall(), tr.precision(), tr.recall())
	}
}

func heldOutSection(intro string, evs []evaluation, te, tr score, cal calibration) string {
	var b strings.Builder
	b.WriteString(intro)
	b.WriteString(qualityTable(evs, te, tr))
	b.WriteString("\n")
	b.WriteString(figureMetaTable(evs))
	b.WriteString("\nCalibration on the held-out facts (entities and relations, best source's confidence):\n\n")
	b.WriteString(calibrationTable(cal))
	b.WriteString(missList(evs))
	return b.String()
}
