// Package curate applies policy staff's edits to the graph. It checks an edit (kinds, names,
// typed properties, relationship types, figures), anchors its source in the stored text of
// the document it cites — the quote is always read from the document, never taken from the
// caller — and hands the store one write, which records the change in the audit trail in
// the same transaction. Uploaded bundles and raw texts go through the ingest pipeline as on
// the command line. Every failure wraps a fault sentinel; bad input is fault.ErrInvalidInput.
package curate

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policygraph/policygraph/extract"
	"github.com/policygraph/policygraph/fault"
	"github.com/policygraph/policygraph/ingest"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/quantity"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/textnorm"
)

// Store is what curation needs from the graph store; *store.Store satisfies it.
type Store interface {
	ingest.Writer
	Passages(ctx context.Context, docIDs []string) (map[string][]string, error)
	CurateEntity(ctx context.Context, a store.Actor, e store.EntityEdit) (store.Node, bool, error)
	CurateEdge(ctx context.Context, a store.Actor, e store.EdgeEdit) (store.Edge, error)
	RetractEdge(ctx context.Context, a store.Actor, id, reason string) (store.Edge, error)
	CurateQuantity(ctx context.Context, a store.Actor, q store.QuantityEdit) (store.QuantityRecord, error)
	RetractQuantity(ctx context.Context, a store.Actor, id, reason string) (store.QuantityRecord, error)
	MarkReviewed(ctx context.Context, a store.Actor, id, note string) (store.Review, error)
	MergeEntities(ctx context.Context, a store.Actor, keepID, mergeID, reason string) (store.MergeResult, error)
	AuditTrail(ctx context.Context, targetID string, first int, after string) (store.AuditPage, error)
}

var _ Store = (*store.Store)(nil)

// Bounds of an edit's text fields.
const (
	MaxNameRunes   = 200
	MaxAliases     = 50
	MaxAnchorRunes = 500
	MaxNoteRunes   = 2000
	MaxIDBytes     = 512
)

// DefaultMaxUpload is the default bound of one upload (bundle plus text).
const DefaultMaxUpload = 512 << 10

// Service applies edits. The zero value is not usable: set Store.
type Service struct {
	Store Store
	// MaxUploadBytes bounds the bundle plus text of one IngestDocument (DefaultMaxUpload
	// when zero).
	MaxUploadBytes int64
	// Gazetteer gives the extractor the names of known entities for raw-text uploads; nil
	// means none.
	Gazetteer *extract.Gazetteer
}

// Source names where an edit's fact is read: a document of the graph and either a short
// quote that occurs once in it (once in Passage when given) or a rune span [Start, End) of
// its normalised text.
type Source struct {
	DocumentID string
	Text       string
	Passage    *int
	Start, End *int
}

// EntityInput creates or updates an entity. ID may be empty for a new entity (it is then
// the kind and name's deterministic id). Props are typed properties of the kind (nil values
// remove one); Source is required for a new entity.
type EntityInput struct {
	ID      string
	Kind    model.Kind
	Name    string
	Aliases []string
	Props   map[string]any
	Source  *Source
	Note    string
}

// RelationInput adds a relationship between two entities.
type RelationInput struct {
	Type     model.RelType
	From, To string
	Props    map[string]any
	Source   Source
	Note     string
}

// QuantityInput adds a figure about an entity: Figure as written (parsed by package
// quantity), or Value and Unit.
type QuantityInput struct {
	Subject   string
	What      string
	Figure    string
	Value     *float64
	Unit      string
	Min, Max  *float64
	Qualifier string
	AsOf      string
	Source    Source
	Note      string
}

func invalid(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, fault.ErrInvalidInput)...)
}

// checkText rejects a text field that is empty (when required), too long, or holds control
// characters.
func checkText(field, s string, maxRunes int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return invalid("%s must not be empty", field)
	}
	if !utf8.ValidString(s) {
		return invalid("%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > maxRunes {
		return invalid("%s has %d characters; at most %d", field, n, maxRunes)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return invalid("%s holds a control character (U+%04X)", field, r)
		}
		if r == utf8.RuneError {
			return invalid("%s holds an invalid character (U+FFFD)", field)
		}
	}
	return nil
}

func checkID(field, id string) error {
	if strings.TrimSpace(id) == "" {
		return invalid("%s must not be empty", field)
	}
	if len(id) > MaxIDBytes || !utf8.ValidString(id) {
		return invalid("%s is not an id", field)
	}
	return nil
}

// anchor turns a Source into provenance on the stored normalised text of its document.
func (s *Service) anchor(ctx context.Context, src Source) (model.Provenance, error) {
	if err := checkID("source.documentId", src.DocumentID); err != nil {
		return model.Provenance{}, err
	}
	passages, err := s.Store.Passages(ctx, []string{src.DocumentID})
	if err != nil {
		return model.Provenance{}, err
	}
	ps, ok := passages[src.DocumentID]
	if !ok {
		return model.Provenance{}, fmt.Errorf("no document %q: %w", src.DocumentID, fault.ErrNotFound)
	}
	if len(ps) == 0 {
		return model.Provenance{}, invalid("document %q has no stored text to quote", src.DocumentID)
	}
	doc := textnorm.Normalize(strings.Join(ps, "\n"))
	if src.Start != nil && src.End != nil && *src.End-*src.Start > MaxAnchorRunes {
		return model.Provenance{}, invalid("source: a span of at most %d characters", MaxAnchorRunes)
	}
	if src.Start == nil && src.End == nil && src.Text != "" {
		if err := checkText("source.text", src.Text, MaxAnchorRunes, true); err != nil {
			return model.Provenance{}, err
		}
	}
	span, err := doc.Locate(textnorm.Quote{Start: src.Start, End: src.End, Text: src.Text, Passage: src.Passage})
	if err != nil {
		return model.Provenance{}, invalid("source: %v (%s)", err, src.DocumentID)
	}
	return model.Provenance{
		DocumentID: src.DocumentID, Passage: doc.ParagraphAt(span.Start), Start: span.Start, End: span.End,
		Quote: doc.Slice(span), Method: model.MethodCurated, Confidence: 1,
	}, nil
}

// UpsertEntity creates or updates an entity. It reports whether the entity was created.
func (s *Service) UpsertEntity(ctx context.Context, a store.Actor, in EntityInput) (store.Node, bool, error) {
	if !in.Kind.Valid() {
		return store.Node{}, false, invalid("kind %q is not a kind", in.Kind)
	}
	if err := checkText("name", in.Name, MaxNameRunes, true); err != nil {
		return store.Node{}, false, err
	}
	if err := checkText("note", in.Note, MaxNoteRunes, false); err != nil {
		return store.Node{}, false, err
	}
	if len(in.Aliases) > MaxAliases {
		return store.Node{}, false, invalid("at most %d aliases", MaxAliases)
	}
	aliases := make([]string, 0, len(in.Aliases))
	for i, al := range in.Aliases {
		if err := checkText(fmt.Sprintf("aliases[%d]", i), al, MaxNameRunes, true); err != nil {
			return store.Node{}, false, err
		}
		aliases = append(aliases, strings.TrimSpace(al))
	}
	id := in.ID
	if id == "" {
		id = model.EntityID(in.Kind, in.Name)
	} else if err := checkID("id", id); err != nil {
		return store.Node{}, false, err
	} else if !strings.HasPrefix(id, in.Kind.Slug()+":") {
		return store.Node{}, false, invalid("id %q of a %s must start with %q", id, in.Kind, in.Kind.Slug()+":")
	}
	props, err := entityProps(in.Kind, in.Props)
	if err != nil {
		return store.Node{}, false, err
	}
	edit := store.EntityEdit{ID: id, Kind: in.Kind, Name: strings.TrimSpace(in.Name), Aliases: aliases, Props: props, Note: in.Note}
	if in.Source != nil {
		p, err := s.anchor(ctx, *in.Source)
		if err != nil {
			return store.Node{}, false, err
		}
		edit.Source = &p
	}
	return s.Store.CurateEntity(ctx, a, edit)
}

// AddRelation adds a relationship (or a source to an existing one).
func (s *Service) AddRelation(ctx context.Context, a store.Actor, in RelationInput) (store.Edge, error) {
	if !in.Type.Valid() || in.Type == model.RelMentionedIn {
		return store.Edge{}, invalid("relationship type %q cannot be curated", in.Type)
	}
	for _, f := range []struct{ name, v string }{{"fromId", in.From}, {"toId", in.To}} {
		if err := checkID(f.name, f.v); err != nil {
			return store.Edge{}, err
		}
	}
	if err := checkText("note", in.Note, MaxNoteRunes, false); err != nil {
		return store.Edge{}, err
	}
	props, err := relationProps(in.Props)
	if err != nil {
		return store.Edge{}, err
	}
	src, err := s.anchor(ctx, in.Source)
	if err != nil {
		return store.Edge{}, err
	}
	return s.Store.CurateEdge(ctx, a, store.EdgeEdit{Type: in.Type, From: in.From, To: in.To, Props: props, Source: src, Note: in.Note})
}

// RetractRelation retracts a relationship by id; history is kept.
func (s *Service) RetractRelation(ctx context.Context, a store.Actor, id, reason string) (store.Edge, error) {
	if err := checkID("id", id); err != nil {
		return store.Edge{}, err
	}
	if err := checkText("reason", reason, MaxNoteRunes, false); err != nil {
		return store.Edge{}, err
	}
	return s.Store.RetractEdge(ctx, a, id, reason)
}

// AddQuantity adds a figure about an entity (or a source to an existing one).
func (s *Service) AddQuantity(ctx context.Context, a store.Actor, in QuantityInput) (store.QuantityRecord, error) {
	if err := checkID("subjectId", in.Subject); err != nil {
		return store.QuantityRecord{}, err
	}
	if err := checkText("what", in.What, MaxNameRunes, true); err != nil {
		return store.QuantityRecord{}, err
	}
	if err := checkText("note", in.Note, MaxNoteRunes, false); err != nil {
		return store.QuantityRecord{}, err
	}
	q, err := figure(in)
	if err != nil {
		return store.QuantityRecord{}, err
	}
	q.Subject, q.What = in.Subject, strings.TrimSpace(in.What)
	q.ID = model.QuantityID(q.Subject, q.What, q.Raw)
	src, err := s.anchor(ctx, in.Source)
	if err != nil {
		return store.QuantityRecord{}, err
	}
	return s.Store.CurateQuantity(ctx, a, store.QuantityEdit{Quantity: q, Source: src, Note: in.Note})
}

// figure checks and types the figure of a QuantityInput.
func figure(in QuantityInput) (model.Quantity, error) {
	var out model.Quantity
	finite := func(name string, v *float64) error {
		if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0) || math.Abs(*v) > 1e18) {
			return invalid("%s must be a finite number of at most 1e18", name)
		}
		return nil
	}
	for _, f := range []struct {
		name string
		v    *float64
	}{{"value", in.Value}, {"min", in.Min}, {"max", in.Max}} {
		if err := finite(f.name, f.v); err != nil {
			return out, err
		}
	}
	switch {
	case in.Figure != "":
		if err := checkText("figure", in.Figure, 100, true); err != nil {
			return out, err
		}
		v, err := quantity.Parse(in.Figure)
		if err != nil {
			return out, invalid("cannot read figure %q: %v", in.Figure, err)
		}
		out = model.Quantity{Value: v.Value, Unit: v.Unit, Min: v.Min, Max: v.Max, Qualifier: string(v.Qualifier), Raw: in.Figure}
	case in.Value != nil:
		if err := checkText("unit", in.Unit, 20, true); err != nil {
			return out, invalid("a value needs a unit")
		}
		out = model.Quantity{Value: *in.Value, Unit: in.Unit, Raw: fmt.Sprintf("%v %s", *in.Value, in.Unit)}
	default:
		return out, invalid("give figure (as written, e.g. 最高50万元) or value and unit")
	}
	if in.Unit != "" {
		if err := checkText("unit", in.Unit, 20, true); err != nil {
			return out, err
		}
		out.Unit = in.Unit
	}
	if in.Min != nil {
		out.Min = in.Min
	}
	if in.Max != nil {
		out.Max = in.Max
	}
	switch in.Qualifier {
	case "":
	case ">", ">=", "~", "<=", "<":
		out.Qualifier = in.Qualifier
	default:
		return out, invalid("qualifier %q is not one of >, >=, ~, <=, <", in.Qualifier)
	}
	if in.AsOf != "" {
		if !model.ValidDate(in.AsOf) {
			return out, invalid("asOf %q is not a date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Hn)", in.AsOf)
		}
		out.AsOf = in.AsOf
	}
	if math.IsNaN(out.Value) || math.IsInf(out.Value, 0) {
		return out, invalid("the figure is not a finite number")
	}
	return out, nil
}

// RetractQuantity retracts a figure by id; history is kept.
func (s *Service) RetractQuantity(ctx context.Context, a store.Actor, id, reason string) (store.QuantityRecord, error) {
	if err := checkID("id", id); err != nil {
		return store.QuantityRecord{}, err
	}
	if !strings.HasPrefix(id, "qty:") {
		return store.QuantityRecord{}, invalid("%q is not a figure id (qty:…)", id)
	}
	if err := checkText("reason", reason, MaxNoteRunes, false); err != nil {
		return store.QuantityRecord{}, err
	}
	return s.Store.RetractQuantity(ctx, a, id, reason)
}

// MarkReviewed records that a fact (entity, rel:…, qty:…) was checked by a.
func (s *Service) MarkReviewed(ctx context.Context, a store.Actor, id, note string) (store.Review, error) {
	if err := checkID("id", id); err != nil {
		return store.Review{}, err
	}
	if err := checkText("note", note, MaxNoteRunes, false); err != nil {
		return store.Review{}, err
	}
	return s.Store.MarkReviewed(ctx, a, id, note)
}

// MergeEntities merges mergeID into keepID (see store.MergeEntities).
func (s *Service) MergeEntities(ctx context.Context, a store.Actor, keepID, mergeID, reason string) (store.MergeResult, error) {
	for _, f := range []struct{ name, v string }{{"keepId", keepID}, {"mergeId", mergeID}} {
		if err := checkID(f.name, f.v); err != nil {
			return store.MergeResult{}, err
		}
	}
	if err := checkText("reason", reason, MaxNoteRunes, false); err != nil {
		return store.MergeResult{}, err
	}
	return s.Store.MergeEntities(ctx, a, keepID, mergeID, reason)
}

// AuditTrail returns the audit events about targetID (all when empty), newest first.
func (s *Service) AuditTrail(ctx context.Context, targetID string, first int, after string) (store.AuditPage, error) {
	if targetID != "" {
		if err := checkID("targetId", targetID); err != nil {
			return store.AuditPage{}, err
		}
	}
	return s.Store.AuditTrail(ctx, targetID, first, after)
}

// entityProps checks and types the properties of an entity edit, as a bundle's are.
func entityProps(kind model.Kind, in map[string]any) (map[string]any, error) {
	out := map[string]any{}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if model.ReservedProps[k] {
			return nil, invalid("properties.%s is set by policygraph", k)
		}
		spec, ok := model.LookupProp(kind, k)
		if !ok {
			return nil, invalid("properties.%s is not a property of %s (allowed: %s)", k, kind, strings.Join(model.AllowedProps(kind), ", "))
		}
		v := plain(in[k])
		if v == nil {
			out[k] = nil // removes the property
			continue
		}
		if s, ok := v.(string); ok {
			if err := checkText("properties."+k, s, MaxNoteRunes, false); err != nil {
				return nil, err
			}
		}
		tv, err := model.CoerceProp(spec, v)
		if err != nil {
			return nil, invalid("properties.%s: %v", k, err)
		}
		switch k {
		case "stipInstruments":
			for _, c := range tv.([]string) {
				if _, ok := model.STIPInstrument(c); !ok {
					return nil, invalid("properties.%s: unknown STIP instrument code %q", k, c)
				}
			}
		case "stipTargetGroups":
			for _, c := range tv.([]string) {
				if _, ok := model.STIPTargetGroup(c); !ok {
					return nil, invalid("properties.%s: unknown STIP target-group code %q", k, c)
				}
			}
		}
		out[k] = tv
	}
	return out, nil
}

// RelationPropNames are the properties a relationship may carry (as in bundles).
var RelationPropNames = []string{"asOf", "since", "until", "role", "note", "year"}

func relationProps(in map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for k, v := range in {
		found := false
		for _, n := range RelationPropNames {
			found = found || n == k
		}
		if !found {
			return nil, invalid("properties.%s is not a relationship property (allowed: %s)", k, strings.Join(RelationPropNames, ", "))
		}
		switch x := plain(v).(type) {
		case nil:
			out[k] = nil
		case string:
			if err := checkText("properties."+k, x, MaxNoteRunes, false); err != nil {
				return nil, err
			}
			out[k] = x
		case int64, bool:
			out[k] = x
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, invalid("properties.%s is not a finite number", k)
			}
			out[k] = x
		default:
			return nil, invalid("properties.%s: want a string, number or boolean", k)
		}
	}
	return out, nil
}

// plain turns a JSON-decoded value (json.Number, []any) into the types model.CoerceProp
// reads: int64 or float64, string, bool, []any.
func plain(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	}
	return v
}
