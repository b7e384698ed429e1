package bundle

import (
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// SchemaVersion is the curated bundle schema version this build reads and writes.
const SchemaVersion = 1

// Bundle is a curated (or extracted) description of one source document: the entities it
// names, the relations and figures it states, each anchored to the passage that says so.
// YAML and JSON share this shape; schema/bundle.schema.json describes it for editors.
type Bundle struct {
	SchemaVersion int             `yaml:"schemaVersion" json:"schemaVersion"`
	Document      DocumentSpec    `yaml:"document" json:"document"`
	Entities      []EntitySpec    `yaml:"entities,omitempty" json:"entities,omitempty"`
	Relations     []RelationSpec  `yaml:"relations,omitempty" json:"relations,omitempty"`
	Quantities    []QuantitySpec  `yaml:"quantities,omitempty" json:"quantities,omitempty"`
	Conditions    []ConditionSpec `yaml:"conditions,omitempty" json:"conditions,omitempty"`

	file string // path the bundle was read from, for error messages
}

// DocumentSpec names the source text a bundle describes.
type DocumentSpec struct {
	// ID of the Document node; default "document:" + the normalised title.
	ID string `yaml:"id,omitempty" json:"id,omitempty"`
	// Path of the text, relative to the bundle file (or absolute).
	Path  string         `yaml:"path" json:"path"`
	Title string         `yaml:"title" json:"title"`
	Props map[string]any `yaml:"props,omitempty" json:"props,omitempty"`

	Pos `yaml:"-" json:"-"`
}

// Anchor locates a fact in the document's normalised text: either a short Text that occurs
// exactly once (or once in Passage), or explicit rune offsets Start/End.
// In YAML an anchor may be written as a bare string.
type Anchor struct {
	Text    string `yaml:"text,omitempty" json:"text,omitempty"`
	Passage *int   `yaml:"passage,omitempty" json:"passage,omitempty"`
	Start   *int   `yaml:"start,omitempty" json:"start,omitempty"`
	End     *int   `yaml:"end,omitempty" json:"end,omitempty"`

	Pos `yaml:"-" json:"-"`
}

// Anchors is one or more anchors; YAML accepts a string, a mapping or a list of either.
type Anchors []Anchor

// EntitySpec is one entity of a bundle.
type EntitySpec struct {
	ID         string         `yaml:"id,omitempty" json:"id,omitempty"`
	Kind       string         `yaml:"kind" json:"kind"`
	Name       string         `yaml:"name" json:"name"`
	Aliases    []string       `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	Props      map[string]any `yaml:"props,omitempty" json:"props,omitempty"`
	Anchor     Anchors        `yaml:"anchor" json:"anchor"`
	Method     string         `yaml:"method,omitempty" json:"method,omitempty"`         // default "curated"
	Confidence *float64       `yaml:"confidence,omitempty" json:"confidence,omitempty"` // default 1

	Pos `yaml:"-" json:"-"`
}

// RelationSpec is one relationship of a bundle. From and To are entity references: an id,
// a name or an alias of an entity in the same bundle, or the id of an entity already in the
// graph or in another bundle of the same run.
type RelationSpec struct {
	Type       string         `yaml:"type" json:"type"`
	From       string         `yaml:"from" json:"from"`
	To         string         `yaml:"to" json:"to"`
	Props      map[string]any `yaml:"props,omitempty" json:"props,omitempty"`
	Anchor     Anchors        `yaml:"anchor" json:"anchor"`
	Method     string         `yaml:"method,omitempty" json:"method,omitempty"`
	Confidence *float64       `yaml:"confidence,omitempty" json:"confidence,omitempty"`

	Pos `yaml:"-" json:"-"`
}

// QuantitySpec is one typed figure about an entity. Either Figure (the figure as written,
// parsed by package quantity) or Value+Unit must be given.
type QuantitySpec struct {
	Of         string   `yaml:"of" json:"of"`
	What       string   `yaml:"what" json:"what"`
	Figure     string   `yaml:"figure,omitempty" json:"figure,omitempty"`
	Value      *float64 `yaml:"value,omitempty" json:"value,omitempty"`
	Unit       string   `yaml:"unit,omitempty" json:"unit,omitempty"`
	Min        *float64 `yaml:"min,omitempty" json:"min,omitempty"`
	Max        *float64 `yaml:"max,omitempty" json:"max,omitempty"`
	Qualifier  string   `yaml:"qualifier,omitempty" json:"qualifier,omitempty"`
	AsOf       string   `yaml:"asOf,omitempty" json:"asOf,omitempty"`
	Anchor     Anchors  `yaml:"anchor" json:"anchor"`
	Method     string   `yaml:"method,omitempty" json:"method,omitempty"`
	Confidence *float64 `yaml:"confidence,omitempty" json:"confidence,omitempty"`

	Pos `yaml:"-" json:"-"`
}

// Pos is where a bundle item was written: its line and the line of each of its fields (and
// of each props key, as "props.KEY"), so that errors point at the field itself. Items built
// in memory have no Pos (line 0).
type Pos struct {
	line  int
	lines map[string]int
}

// Line is the line the item starts on (0 when it was not read from a file).
func (p Pos) Line() int { return p.line }

// FieldLine is the line of field, or the item's line when the field was not written.
func (p Pos) FieldLine(field string) int {
	if l, ok := p.lines[field]; ok {
		return l
	}
	return p.line
}

func pos(n *yaml.Node) Pos { return Pos{line: n.Line, lines: lines(n)} }

// WithSource records the file a bundle built in memory (e.g. by the extractor) stands for,
// so that its errors name it.
func (b *Bundle) WithSource(name string) *Bundle {
	b.file = name
	return b
}

// File is the path the bundle was read from (or stands for), for error messages.
func (b *Bundle) File() string { return b.file }

// Encode writes b as YAML (two-space indent) to w, after header written as # comment lines.
// Every writer of bundle files (the exporter, the synthetic corpus) goes through it, so their
// files have the shape Parse reads.
func Encode(w io.Writer, header string, b *Bundle) error {
	for _, line := range strings.Split(header, "\n") {
		if line == "" {
			continue
		}
		if _, err := fmt.Fprintf(w, "# %s\n", line); err != nil {
			return err
		}
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("bundle %s: %w", b.Document.ID, err)
	}
	return enc.Close()
}
