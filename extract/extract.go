package extract

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/textnorm"
)

// Options tune an extraction. The zero value is ready to use: no gazetteer, the word
// segmenter enabled, every fact kept.
type Options struct {
	// Gazetteer adds known names (usually from curated bundles); may be nil.
	Gazetteer *Gazetteer
	// NoSegmenter disables the gse word segmenter; name boundaries then rely on the cue-word
	// rules alone. The segmenter's dictionary takes a few seconds to load the first time.
	NoSegmenter bool
	// MinConfidence drops facts whose best source is less confident than this.
	MinConfidence float64
}

// Entity is an extracted entity. ID is model.EntityID(Kind, Name).
type Entity struct {
	ID      string             `json:"id"`
	Kind    model.Kind         `json:"kind"`
	Name    string             `json:"name"`
	Aliases []string           `json:"aliases"`
	Props   map[string]any     `json:"props,omitempty"`
	Sources []model.Provenance `json:"sources"`
}

// Relation is an extracted relationship between two entity ids; an endpoint may also be the
// id of the document being extracted (the docID passed to Extract).
type Relation struct {
	Type    model.RelType      `json:"type"`
	From    string             `json:"from"`
	To      string             `json:"to"`
	Sources []model.Provenance `json:"sources"`
}

// Quantity is an extracted figure about an entity (model.Quantity.Subject is its id).
type Quantity struct {
	model.Quantity
	Sources []model.Provenance `json:"sources"`
}

// Result is the candidate graph extracted from one document. Entities, relations and
// quantities are in order of first appearance in the text.
type Result struct {
	DocumentID string     `json:"documentId"`
	Entities   []Entity   `json:"entities"`
	Relations  []Relation `json:"relations"`
	Quantities []Quantity `json:"quantities"`
	// Conditions are the eligibility conditions the text states (conditions.go).
	Conditions []Condition `json:"conditions"`
	// Meta is what the document's header and signature block say about it; nil when the
	// text gives nothing.
	Meta *DocumentMeta `json:"meta,omitempty"`
}

// DocumentMeta describes the document itself: its title, the bodies that issued it, its
// number (闵科委〔2023〕12号), its date (ISO), its type (通知, 答复, 报告 …) and addressees.
type DocumentMeta struct {
	Title      string   `json:"title,omitempty"`
	Issuers    []string `json:"issuers,omitempty"`
	Number     string   `json:"number,omitempty"`
	Date       string   `json:"date,omitempty"`
	Type       string   `json:"type,omitempty"`
	Addressees []string `json:"addressees,omitempty"`
}

// Entity returns the entity with the given id, or nil.
func (r *Result) Entity(id string) *Entity {
	for i := range r.Entities {
		if r.Entities[i].ID == id {
			return &r.Entities[i]
		}
	}
	return nil
}

// maxSources caps the provenance records kept per fact: the first ones, in text order.
const maxSources = 32

// ErrNoDocument is returned by Extract for a nil document.
var ErrNoDocument = errors.New("extract: no document")

// Extract proposes entities, relations and figures found in doc, a normalised text.
// docID identifies the document in every provenance record and stands for the document
// itself as a relation endpoint (e.g. document SIGNED_BY person). Extract is deterministic
// and safe for concurrent use; it returns early with ctx's error when ctx is cancelled.
// An empty document gives an empty result.
func Extract(ctx context.Context, docID string, doc *textnorm.Document, opts Options) (*Result, error) {
	if doc == nil {
		return nil, ErrNoDocument
	}
	x := newExtractor(ctx, docID, doc, opts)
	if err := x.run(); err != nil {
		return nil, fmt.Errorf("extract %s: %w", docID, err)
	}
	return x.result(), nil
}

// para is a paragraph of the text being extracted, in rune offsets.
type para struct {
	index      int
	start, end int
	level      int
	sents      []span
}

type span struct{ start, end int }

// mention is one occurrence of an entity in the text.
type mention struct {
	kind       model.Kind
	name       string // canonical name proposed by the rule
	aliases    []string
	start, end int // span of the quote
	rule       string
	conf       float64
	props      map[string]any
	id         string // a known id (from the gazetteer)
	ent        *entity
	listed     bool // in extractor.mentions
}

// entity gathers the mentions of one thing.
type entity struct {
	kind     model.Kind
	name     string
	aliases  []string
	props    map[string]any
	mentions []*mention
	first    int
	keys     []string // fold keys (kind-qualified) of name and aliases
	id       string   // a known id (from the gazetteer), else derived from kind and name
}

type relation struct {
	typ      model.RelType
	from, to *entity // nil means the document itself
	sources  []source
}

type source struct {
	start, end int
	rule       string
	conf       float64
}

type figure struct {
	subject *entity // nil: the document
	q       model.Quantity
	src     source
}

type extractor struct {
	ctx   context.Context
	docID string
	doc   *textnorm.Document
	opts  Options
	text  []rune
	paras []para
	seg   *segmenter

	mentions []*mention
	ents     []*entity
	byKey    map[string]*entity
	rels     []*relation
	relKey   map[string]*relation
	figures  []figure
	conds    []foundCondition
	// industries are the Industry mentions of sector frames (industries.go)
	industries []industryMention

	// document-level facts
	place      *entity // the district the document speaks for
	placeName  string
	districts  []string // district names the document uses (长宁区)
	self       *entity  // the policy the document itself is (notice, measures, rules)
	issuer     *entity  // the body that signed the document
	proposal   *entity  // the proposal a reply answers
	meta       *DocumentMeta
	covered    []bool // runes inside titles: other rules do not look there
	occupied   []bool // runes inside resolved mentions
	sorted     []*mention
	names      map[string]*mention // first mention proposed under each folded name
	shortNames []*mention          // short firm-name guesses, in text order
	// boundsCache holds the segmenter's token boundaries per sentence
	boundsCache map[span]*sentBounds
}

func newExtractor(ctx context.Context, docID string, doc *textnorm.Document, opts Options) *extractor {
	x := &extractor{ctx: ctx, docID: docID, doc: doc, opts: opts,
		byKey: map[string]*entity{}, relKey: map[string]*relation{}}
	x.text = []rune(doc.Text)
	for _, p := range doc.Paragraphs {
		q := para{index: p.Index, start: p.Start, end: p.End, level: p.Level}
		for _, s := range p.Sentences {
			if s.Start >= p.Start && s.End <= p.End && s.Start < s.End {
				q.sents = append(q.sents, span{s.Start, s.End})
			}
		}
		if len(q.sents) == 0 && p.End > p.Start {
			q.sents = []span{{p.Start, p.End}}
		}
		if p.Start < 0 || p.End > len(x.text) || p.Start > p.End {
			continue
		}
		x.paras = append(x.paras, q)
	}
	x.covered = make([]bool, len(x.text)+1)
	if !opts.NoSegmenter {
		x.seg = defaultSegmenter()
	}
	return x
}

func (x *extractor) run() error {
	steps := []func(){
		x.findPlace,
		x.ruleHeader,
		x.ruleTitles,
		x.ruleSelfPolicy,
		x.ruleFrameworks,
		x.ruleQuoted,
		x.ruleGazetteer,
		x.ruleSuffixes,
		x.ruleIndustries,
		x.ruleEnumerations,
		x.ruleRelationEntities,
		x.resolve,
		x.ruleLexicon,
		x.ruleCreditCodes,
		x.ruleRelations,
		x.relIndustries,
		x.ruleQuantities,
		x.ruleConditions,
		x.ruleMeta,
	}
	for _, step := range steps {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		step()
	}
	return nil
}

// str returns the text of [start, end).
func (x *extractor) str(start, end int) string {
	start, end = max(start, 0), min(end, len(x.text))
	if start >= end {
		return ""
	}
	return string(x.text[start:end])
}

// paraAt returns the index in x.paras of the paragraph holding offset, or -1.
func (x *extractor) paraAt(off int) int {
	k := sort.Search(len(x.paras), func(i int) bool { return x.paras[i].end > off })
	if k < len(x.paras) && x.paras[k].start <= off {
		return k
	}
	return -1
}

// sentAt returns the sentence span holding off (the paragraph when none).
func (x *extractor) sentAt(off int) span {
	k := x.paraAt(off)
	if k < 0 {
		return span{off, off}
	}
	for _, s := range x.paras[k].sents {
		if s.start <= off && off < s.end {
			return s
		}
	}
	return span{x.paras[k].start, x.paras[k].end}
}

// sentences calls f for every sentence of the document, checking ctx between paragraphs.
func (x *extractor) sentences(f func(p *para, s span)) {
	for i := range x.paras {
		if i%64 == 0 && x.ctx.Err() != nil {
			return
		}
		p := &x.paras[i]
		for _, s := range p.sents {
			f(p, s)
		}
	}
}

// add records a candidate mention. Mentions overlapping a covered span (a title) are
// dropped unless allowInside is set.
func (x *extractor) add(m *mention) *mention {
	if m.start < 0 || m.end > len(x.text) || m.start >= m.end || m.name == "" {
		return nil
	}
	x.mentions = append(x.mentions, m)
	m.listed = true
	if x.names == nil {
		x.names = map[string]*mention{}
	}
	if _, ok := x.names[fold(m.name)]; !ok {
		x.names[fold(m.name)] = m
	}
	return m
}

func (x *extractor) isCovered(start, end int) bool {
	for i := max(start, 0); i < end && i < len(x.covered); i++ {
		if x.covered[i] {
			return true
		}
	}
	return false
}

func (x *extractor) cover(start, end int) {
	for i := max(start, 0); i < end && i < len(x.covered); i++ {
		x.covered[i] = true
	}
}

// result converts the internal state to a Result.
func (x *extractor) result() *Result {
	r := &Result{DocumentID: x.docID, Entities: []Entity{}, Relations: []Relation{}, Quantities: []Quantity{}, Meta: x.meta}
	ents := append([]*entity(nil), x.ents...)
	sort.SliceStable(ents, func(i, j int) bool { return ents[i].first < ents[j].first })
	ids := map[*entity]string{}
	for _, e := range ents {
		if len(e.mentions) == 0 {
			continue
		}
		var srcs []model.Provenance
		best := 0.0
		seen := map[span]bool{}
		ms := append([]*mention(nil), e.mentions...)
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].start < ms[j].start })
		for _, m := range ms {
			if seen[span{m.start, m.end}] || len(srcs) >= maxSources {
				continue
			}
			seen[span{m.start, m.end}] = true
			srcs = append(srcs, x.prov(source{m.start, m.end, m.rule, m.conf}))
			best = max(best, m.conf)
		}
		if best < x.opts.MinConfidence {
			continue
		}
		id := e.id
		if id == "" {
			id = model.EntityID(e.kind, e.name)
		}
		ids[e] = id
		aliases := []string{}
		for _, a := range e.aliases {
			if model.NormalizeName(a) != model.NormalizeName(e.name) && !containsString(aliases, a) {
				aliases = append(aliases, a)
			}
		}
		r.Entities = append(r.Entities, Entity{ID: id, Kind: e.kind, Name: e.name, Aliases: aliases, Props: e.props, Sources: srcs})
	}
	endpoint := func(e *entity) (string, bool) {
		if e == nil {
			return x.docID, true
		}
		id, ok := ids[e]
		return id, ok
	}
	for _, rel := range x.rels {
		from, ok1 := endpoint(rel.from)
		to, ok2 := endpoint(rel.to)
		if !ok1 || !ok2 || from == to {
			continue
		}
		best := 0.0
		var srcs []model.Provenance
		for _, s := range rel.sources {
			srcs = append(srcs, x.prov(s))
			best = max(best, s.conf)
		}
		if best < x.opts.MinConfidence {
			continue
		}
		r.Relations = append(r.Relations, Relation{Type: rel.typ, From: from, To: to, Sources: srcs})
	}
	for _, f := range x.figures {
		subj, ok := endpoint(f.subject)
		if !ok || f.src.conf < x.opts.MinConfidence {
			continue
		}
		q := f.q
		q.Subject = subj
		q.ID = model.QuantityID(subj, q.What, fmt.Sprintf("%s@%d", q.Raw, f.src.start))
		r.Quantities = append(r.Quantities, Quantity{Quantity: q, Sources: []model.Provenance{x.prov(f.src)}})
	}
	r.Conditions = x.conditionsResult(ids)
	return r
}

func (x *extractor) prov(s source) model.Provenance {
	passage := x.doc.ParagraphAt(s.start)
	return model.Provenance{
		DocumentID: x.docID,
		Passage:    passage,
		Start:      s.start,
		End:        s.end,
		Quote:      x.str(s.start, s.end),
		Method:     "rule:" + s.rule,
		Confidence: s.conf,
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// fold is the identity key of a name: NFKC, whitespace removed, quote marks dropped.
func fold(name string) string {
	s := model.NormalizeName(name)
	return strings.Map(func(r rune) rune {
		switch r {
		case '“', '”', '‘', '’', '"', '\'', '「', '」', '《', '》', '〈', '〉', '『', '』':
			return -1
		}
		return r
	}, s)
}
