// Package model defines policygraph's domain vocabulary: the node kinds, the relationship
// types, typed figures (quantities), provenance records and deterministic identifiers.
// It has no dependency on storage or transport; every other package speaks in these terms.
package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Kind is a node kind. Each kind is also a Neo4j label; every entity additionally carries the
// label Entity.
type Kind string

// The node kinds of the policy graph.
const (
	KindPolicy        Kind = "Policy"
	KindProgram       Kind = "Program"
	KindEnterprise    Kind = "Enterprise"
	KindAlliance      Kind = "Alliance"
	KindTalentMeasure Kind = "TalentMeasure"
	KindOrganization  Kind = "Organization"
	KindPlace         Kind = "Place"
	KindIndustry      Kind = "Industry"
	KindPerson        Kind = "Person"
	KindDocument      Kind = "Document"
)

// Kinds lists every node kind in a fixed order (the order of the GraphQL NodeKind enum).
var Kinds = []Kind{
	KindPolicy, KindProgram, KindEnterprise, KindAlliance, KindTalentMeasure,
	KindOrganization, KindPlace, KindIndustry, KindPerson, KindDocument,
}

// Enum returns the kind as a GraphQL enum value, e.g. TALENT_MEASURE.
func (k Kind) Enum() string { return upperSnake(string(k)) }

// Slug returns the lower-case prefix used in identifiers, e.g. talentmeasure.
func (k Kind) Slug() string { return strings.ToLower(string(k)) }

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

// ParseKind accepts a kind in label form (TalentMeasure), enum form (TALENT_MEASURE) or any
// case of either. It reports false for anything else.
func ParseKind(s string) (Kind, bool) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
	for _, k := range Kinds {
		if strings.ToLower(string(k)) == t {
			return k, true
		}
	}
	return "", false
}

// RelType is a relationship type. Relationship types are Neo4j relationship types verbatim,
// chosen from this fixed list only; Cypher never takes a type from user input.
type RelType string

// The relationship types of the policy graph. Direction is from → to as documented.
const (
	RelIssuedBy       RelType = "ISSUED_BY"       // policy/document → organization that issued it
	RelSupports       RelType = "SUPPORTS"        // policy/program/measure → enterprise/industry/program it supports
	RelRecognizes     RelType = "RECOGNIZES"      // policy → enterprise it certified (认定)
	RelEstablishes    RelType = "ESTABLISHES"     // policy → program/measure it sets up
	RelImplements     RelType = "IMPLEMENTS"      // program/measure/policy → policy it puts into practice
	RelDerivedFrom    RelType = "DERIVED_FROM"    // policy/measure → its basis (根据《X》制订)
	RelPartOf         RelType = "PART_OF"         // policy → framework; measure → program
	RelAmends         RelType = "AMENDS"          // new version → old version it changes
	RelSupersedes     RelType = "SUPERSEDES"      // new version → old version it replaces
	RelMemberOf       RelType = "MEMBER_OF"       // organization/enterprise → alliance
	RelParticipatesIn RelType = "PARTICIPATES_IN" // enterprise/organization → program
	RelOperates       RelType = "OPERATES"        // organization/enterprise → program/place/platform
	RelLocatedIn      RelType = "LOCATED_IN"      // anything → place
	RelInIndustry     RelType = "IN_INDUSTRY"     // enterprise/program/policy → industry
	RelInvestsIn      RelType = "INVESTS_IN"      // investor → enterprise/industry
	RelTargets        RelType = "TARGETS"         // measure/program/policy → group, industry or enterprise it is aimed at
	RelIntroduced     RelType = "INTRODUCED"      // government body/place → enterprise or organization it brought in (引进)
	RelProposedBy     RelType = "PROPOSED_BY"     // proposal/document → person who proposed it
	RelRespondsTo     RelType = "RESPONDS_TO"     // reply document → the proposal it answers
	RelSignedBy       RelType = "SIGNED_BY"       // document → person who signed it
	RelMentionedIn    RelType = "MENTIONED_IN"    // entity → document (written by ingest for every entity with a source)

	// RelHasQuantity links an entity to a typed figure about it. Written by ingest from a
	// bundle's quantities; not used directly in bundles' relations.
	RelHasQuantity RelType = "HAS_QUANTITY"
)

// RelTypes lists every relationship type a bundle may use.
var RelTypes = []RelType{
	RelIssuedBy, RelSupports, RelRecognizes, RelEstablishes, RelImplements, RelDerivedFrom,
	RelPartOf, RelAmends, RelSupersedes, RelMemberOf, RelParticipatesIn, RelOperates,
	RelLocatedIn, RelInIndustry, RelInvestsIn, RelTargets, RelIntroduced, RelProposedBy,
	RelRespondsTo, RelSignedBy, RelMentionedIn,
}

// Valid reports whether r is one of RelTypes or HAS_QUANTITY.
func (r RelType) Valid() bool {
	if r == RelHasQuantity {
		return true
	}
	for _, v := range RelTypes {
		if v == r {
			return true
		}
	}
	return false
}

// LineageTypes are the relationship types a lineage walk follows. Upstream follows them from
// → to ("where did this come from"); downstream follows them to → from.
var LineageTypes = []RelType{RelDerivedFrom, RelImplements, RelPartOf, RelAmends, RelSupersedes}

// ParseRelType accepts a relationship type in any case, with _ or - separators.
func ParseRelType(s string) (RelType, bool) {
	t := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
	for _, r := range RelTypes {
		if string(r) == t {
			return r, true
		}
	}
	return "", false
}

// Provenance says where a fact comes from: a span of a document's normalised text.
type Provenance struct {
	DocumentID string  `json:"documentId" yaml:"documentId"`
	Passage    int     `json:"passage" yaml:"passage"` // paragraph index in the normalised text, 0-based
	Start      int     `json:"start" yaml:"start"`     // rune offset in the normalised text
	End        int     `json:"end" yaml:"end"`         // rune offset, exclusive
	Quote      string  `json:"quote" yaml:"quote"`     // the exact text of [Start, End), read from the document
	Method     string  `json:"method" yaml:"method"`   // "curated" or "rule:NAME"
	Confidence float64 `json:"confidence" yaml:"confidence"`
}

// MethodCurated marks facts written by a person in a curated bundle.
const MethodCurated = "curated"

// Quantity is a typed figure attached to a subject entity.
type Quantity struct {
	ID        string   `json:"id"`
	Subject   string   `json:"subject"` // entity id the figure is about
	What      string   `json:"what"`    // what is counted or paid, e.g. 租金补贴上限
	Value     float64  `json:"value"`
	Unit      string   `json:"unit"`
	Min       *float64 `json:"min,omitempty"`
	Max       *float64 `json:"max,omitempty"`
	Qualifier string   `json:"qualifier,omitempty"` // "", ">", ">=", "~", "<=", "<"
	AsOf      string   `json:"asOf,omitempty"`      // ISO date or year, or a period such as 2023-Q1
	Raw       string   `json:"raw,omitempty"`       // the figure as written
}

// NormalizeName folds a name for identity: NFKC, whitespace removed, Latin lower-cased.
// Chinese characters and punctuation other than whitespace are kept.
func NormalizeName(name string) string {
	s := norm.NFKC.String(name)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// EntityID returns the deterministic id of an entity: "<kind slug>:<normalised name>".
// The same kind and name always give the same id.
func EntityID(kind Kind, name string) string {
	return kind.Slug() + ":" + NormalizeName(name)
}

// RelationID returns the deterministic id of a relationship between two entity ids:
// "rel:<TYPE>:<hash of type, from, to>".
func RelationID(t RelType, from, to string) string {
	return "rel:" + string(t) + ":" + shortHash(string(t), from, to)
}

// QuantityID returns the deterministic id of a figure about subject.
func QuantityID(subject, what, raw string) string {
	return "qty:" + shortHash(subject, what, raw)
}

func shortHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s|", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}

func upperSnake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}
