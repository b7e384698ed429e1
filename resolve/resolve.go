// Package resolve decides, at ingest, whether an entity a document names is one the graph
// (or an earlier document of the same run) already holds under another name. It is pure
// logic: the caller gives it the candidates (store.ResolutionCandidates) and writes what
// it decides (store.RecordResolutions). See the README section "How resolution decides,
// and how to undo it".
package resolve

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Entity is one entity as resolution sees it: of the graph, or of a document being ingested.
type Entity struct {
	ID         string
	Kind       model.Kind
	Name       string
	Aliases    []string
	CreditCode string // 统一社会信用代码, when known
	Quote      string // a passage naming it
}

func (e Entity) names() []string { return append([]string{e.Name}, e.Aliases...) }

// Outcomes of a decision.
const (
	Merged    = "MERGED"
	KeptApart = "KEPT_APART"
	Unmerged  = "UNMERGED"
)

// Rules: why two names were taken to be one entity, or kept apart.
const (
	RuleCreditCode      = "creditCode"      // the same 统一社会信用代码
	RuleAlias           = "alias"           // a name of one is a name (or 以下简称 alias) of the other
	RuleLegalName       = "legalName"       // the same legal name, the region written elsewhere
	RuleShortName       = "shortName"       // a short name whose brand is the legal name's
	RuleBody            = "body"            // the same government body, short forms spelled out
	RuleRename          = "rename"          // a former name in the renames table
	RuleScoped          = "scopedReference" // 区科委 / 我区 / 本市 read in the document's district
	RuleAmbiguous       = "ambiguous"       // more than one entity fits equally well
	RuleLegalNames      = "differentLegalNames"
	RuleDistricts       = "differentDistricts"
	RuleCreditCodes     = "differentCreditCodes"
	RuleAlreadyResolved = "sameId"
)

// Scores of the rules; a merge needs Thresholds.Merge or more.
var Scores = map[string]float64{
	RuleCreditCode: 1.0, RuleRename: 0.97, RuleAlias: 0.95, RuleBody: 0.93, RuleScoped: 0.92,
	RuleLegalName: 0.9, RuleShortName: 0.8,
}

// Thresholds: a pair scoring at least Merge is merged. Set by measurement on the pairs of
// resolve/testdata (see resolve/testdata/RESULTS.md).
// Where several candidates reach Merge, the best is taken only when it scores at least
// Strong and more than the next; otherwise the name is ambiguous and nothing is merged.
type Thresholds struct{ Merge, Strong float64 }

// DefaultThresholds are the measured thresholds.
var DefaultThresholds = Thresholds{Merge: 0.8, Strong: 0.93}

// Decision is what resolution decided about one document entity and one candidate.
type Decision struct {
	DocumentID string
	Outcome    string
	Rule       string
	Score      float64
	Kind       model.Kind
	FromID     string
	FromName   string
	FromQuote  string
	ToID       string
	ToName     string
	ToQuote    string
	// AddedAliases are the names the merge gave the kept entity (an unmerge takes them back).
	AddedAliases []string
}

// ID is the decision's stable id: one per document, entity and candidate.
func (d Decision) ID() string {
	return "resolution:" + strings.TrimPrefix(model.QuantityID(d.DocumentID, d.FromID, d.ToID), "qty:")
}

// resolvable kinds: names of people, industries and documents are not resolved across documents.
var resolvable = map[model.Kind]bool{
	model.KindEnterprise: true, model.KindOrganization: true, model.KindPolicy: true, model.KindProgram: true,
	model.KindAlliance: true, model.KindPlace: true, model.KindTalentMeasure: true,
}

// Resolvable reports whether entities of kind are resolved across documents.
func Resolvable(k model.Kind) bool { return resolvable[k] }

// Index holds the entities resolution compares with: the graph's candidates, then each
// document's entities as it is resolved.
type Index struct {
	byID    map[string]*Entity
	byKey   map[string][]string // kind|key → ids
	byCode  map[string][]string
	blocked map[string]bool // document|from|to pairs staff unmerged
}

// NewIndex returns an index of the given entities.
func NewIndex(ents ...Entity) *Index {
	ix := &Index{byID: map[string]*Entity{}, byKey: map[string][]string{}, byCode: map[string][]string{}, blocked: map[string]bool{}}
	for _, e := range ents {
		ix.Add(e)
	}
	return ix
}

// Block records that staff unmerged from (of document doc) and to: resolution never merges
// them again.
func (ix *Index) Block(doc, from, to string) { ix.blocked[doc+"|"+from+"|"+to] = true }

// Get returns the indexed entity with id.
func (ix *Index) Get(id string) (Entity, bool) {
	e, ok := ix.byID[id]
	if !ok {
		return Entity{}, false
	}
	return *e, true
}

// Add indexes e, or adds its names and code to the entity already indexed under its id.
func (ix *Index) Add(e Entity) {
	if !resolvable[e.Kind] {
		return
	}
	have, ok := ix.byID[e.ID]
	if !ok {
		c := e
		c.Aliases = slices.Clone(e.Aliases)
		have = &c
		ix.byID[e.ID] = have
	} else {
		for _, n := range e.names() {
			if n != have.Name && !slices.Contains(have.Aliases, n) {
				have.Aliases = append(have.Aliases, n)
			}
		}
		if have.CreditCode == "" {
			have.CreditCode = e.CreditCode
		}
		if have.Quote == "" {
			have.Quote = e.Quote
		}
	}
	for _, k := range keys(e) {
		if !slices.Contains(ix.byKey[k], e.ID) {
			ix.byKey[k] = append(ix.byKey[k], e.ID)
		}
	}
	if e.CreditCode != "" && !slices.Contains(ix.byCode[e.CreditCode], e.ID) {
		ix.byCode[e.CreditCode] = append(ix.byCode[e.CreditCode], e.ID)
	}
}

// keys are the lookup keys of an entity: each name folded, as a legal key, brand, body key
// and the key of what it was renamed to.
func keys(e Entity) []string {
	var out []string
	add := func(k string) {
		if k != "" && !slices.Contains(out, string(e.Kind)+"|"+k) {
			out = append(out, string(e.Kind)+"|"+k)
		}
	}
	for _, n := range e.names() {
		add("n:" + Norm(n))
		switch e.Kind {
		case model.KindEnterprise:
			if LegalName(n) {
				add("legal:" + LegalKey(n))
			}
			add("brand:" + Brand(n))
		case model.KindOrganization:
			add("body:" + BodyKey(n))
		}
		if r := Renamed(n); r != "" {
			add("renamed:" + r)
		}
		add("self:" + renameKey(n))
	}
	return out
}

// Context is what a document's scoped references are read in.
type Context struct {
	DocumentID string
	District   string // the issuing district, e.g. 宝山区; "" when unknown
}

// match scores how two entities' names say they are one: the best rule and its score, or a
// veto rule (score 0) when they must be kept apart. ok is false when nothing links them.
func match(a, b Entity) (rule string, score float64, ok bool) {
	if a.Kind != b.Kind {
		return "", 0, false
	}
	if a.CreditCode != "" && b.CreditCode != "" {
		if a.CreditCode == b.CreditCode {
			return RuleCreditCode, Scores[RuleCreditCode], true
		}
		return RuleCreditCodes, 0, true
	}
	best, bestScore := "", 0.0
	take := func(r string) {
		if Scores[r] > bestScore {
			best, bestScore = r, Scores[r]
		}
	}
	for _, x := range a.names() {
		for _, y := range b.names() {
			switch {
			case Norm(x) == Norm(y):
				take(RuleAlias)
			case Renamed(x) != "" && (Renamed(x) == renameKey(y) || Renamed(x) == Renamed(y)),
				Renamed(y) != "" && Renamed(y) == renameKey(x):
				take(RuleRename)
			}
			switch a.Kind {
			case model.KindEnterprise:
				lx, ly := LegalName(x), LegalName(y)
				switch {
				case lx && ly && LegalKey(x) == LegalKey(y):
					take(RuleLegalName)
				case lx != ly && Brand(x) != "" && Brand(x) == Brand(y):
					take(RuleShortName)
				}
			case model.KindOrganization:
				if BodyKey(x) == BodyKey(y) && DistrictOf(x) == DistrictOf(y) {
					take(RuleBody)
				}
			}
		}
	}
	if best == "" {
		return "", 0, false
	}
	if best == RuleRename || best == RuleCreditCode {
		return best, bestScore, true
	}
	// vetoes: two enterprises whose legal names differ; bodies of different districts
	switch a.Kind {
	case model.KindEnterprise:
		la, lb := legalKeys(a), legalKeys(b)
		if len(la) > 0 && len(lb) > 0 && !intersects(la, lb) {
			return RuleLegalNames, 0, true
		}
	case model.KindOrganization:
		da, db := districts(a), districts(b)
		if len(da) > 0 && len(db) > 0 && !intersects(da, db) {
			return RuleDistricts, 0, true
		}
	}
	return best, bestScore, true
}

func legalKeys(e Entity) []string {
	var out []string
	for _, n := range e.names() {
		if LegalName(n) {
			out = append(out, LegalKey(n))
		}
	}
	return out
}

func districts(e Entity) []string {
	var out []string
	for _, n := range e.names() {
		if d := DistrictOf(n); d != "" {
			out = append(out, d)
		}
	}
	return out
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// Resolve decides, for each entity of a document, whether it is one of the index's: it
// returns, per entity id, the id it is to be written as (only for entities that change), and
// every decision with its evidence. Entities are taken in order; each is added to the index
// under its final id at once, so the document's later entities and later documents see it.
func Resolve(ix *Index, ctx Context, ents []Entity, th Thresholds) (map[string]string, []Decision) {
	redirect := map[string]string{}
	var decisions []Decision
	for _, e := range ents {
		if !resolvable[e.Kind] {
			continue
		}
		orig := e
		// a scoped reference (区科委 in a Baoshan reply) is the district's body: it is named
		// and identified in full, the short form kept as an alias
		if full := Scoped(e.Kind, e.Name, ctx.District); full != "" && Norm(full) != Norm(e.Name) {
			e.Aliases = append([]string{e.Name}, e.Aliases...)
			e.Name, e.ID = full, model.EntityID(e.Kind, full)
			redirect[orig.ID] = e.ID
			decisions = append(decisions, Decision{DocumentID: ctx.DocumentID, Outcome: Merged, Rule: RuleScoped,
				Score: Scores[RuleScoped], Kind: e.Kind, FromID: orig.ID, FromName: orig.Name, FromQuote: orig.Quote,
				ToID: e.ID, ToName: full, AddedAliases: []string{orig.Name}})
		}
		if f := Former(e.Name); f != "" {
			e.Aliases = append(e.Aliases, f)
		}
		if _, ok := ix.byID[e.ID]; ok {
			ix.Add(e) // the document names it as the graph does: the same node already
			continue
		}
		type cand struct {
			c     Entity
			rule  string
			score float64
		}
		var cands []cand
		seen := map[string]bool{}
		look := func(ids []string) {
			for _, id := range ids {
				if seen[id] || id == e.ID {
					continue
				}
				seen[id] = true
				if ix.blocked[ctx.DocumentID+"|"+orig.ID+"|"+id] {
					continue
				}
				c := *ix.byID[id]
				if rule, score, ok := match(e, c); ok {
					cands = append(cands, cand{c, rule, score})
				}
			}
		}
		if e.CreditCode != "" {
			look(ix.byCode[e.CreditCode])
		}
		for _, k := range keys(e) {
			look(ix.byKey[k])
			if r, ok := strings.CutPrefix(k, string(e.Kind)+"|renamed:"); ok {
				look(ix.byKey[string(e.Kind)+"|self:"+r])
			}
			if r, ok := strings.CutPrefix(k, string(e.Kind)+"|self:"); ok {
				look(ix.byKey[string(e.Kind)+"|renamed:"+r])
			}
		}
		sort.SliceStable(cands, func(i, j int) bool {
			if cands[i].score != cands[j].score {
				return cands[i].score > cands[j].score
			}
			return cands[i].c.ID < cands[j].c.ID
		})
		decide := func(c cand, outcome, rule string) {
			d := Decision{DocumentID: ctx.DocumentID, Outcome: outcome, Rule: rule, Score: c.score, Kind: e.Kind,
				FromID: orig.ID, FromName: orig.Name, FromQuote: orig.Quote, ToID: c.c.ID, ToName: c.c.Name, ToQuote: c.c.Quote}
			if outcome == Merged {
				for _, n := range e.names() {
					if Norm(n) != Norm(c.c.Name) && !slices.ContainsFunc(c.c.Aliases, func(a string) bool { return Norm(a) == Norm(n) }) {
						d.AddedAliases = append(d.AddedAliases, n)
					}
				}
			}
			decisions = append(decisions, d)
		}
		var merges []cand
		for _, c := range cands {
			if c.score >= th.Merge {
				merges = append(merges, c)
			} else {
				decide(c, KeptApart, c.rule)
			}
		}
		into := ""
		switch {
		case len(merges) == 1:
			into = merges[0].c.ID
			decide(merges[0], Merged, merges[0].rule)
		case len(merges) > 1 && merges[0].score > merges[1].score && merges[0].score >= th.Strong:
			// one strong link (a code, a rename, a declared alias) beats weaker ones
			into = merges[0].c.ID
			decide(merges[0], Merged, merges[0].rule)
			for _, c := range merges[1:] {
				decide(c, KeptApart, RuleAmbiguous)
			}
		case len(merges) > 1:
			for _, c := range merges {
				decide(c, KeptApart, RuleAmbiguous)
			}
		}
		if into != "" {
			e.ID = into
			redirect[orig.ID] = into
		}
		ix.Add(e)
	}
	return redirect, decisions
}

// String renders a decision in one line (logs, test failures).
func (d Decision) String() string {
	return fmt.Sprintf("%s %s %s(%.2f): %s %q → %s %q", d.DocumentID, d.Outcome, d.Rule, d.Score, d.FromID, d.FromName, d.ToID, d.ToName)
}
