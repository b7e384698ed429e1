package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/policygraph/policygraph/fault"
)

// Error is one problem in a bundle, located by file, line and field.
type Error struct {
	File  string
	Line  int
	Field string // dotted path, e.g. entities[3].props.level
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Unwrap makes every bundle error an invalid-input fault.
func (e *Error) Unwrap() error { return fault.ErrInvalidInput }

// Errors is every problem found in a run; nothing is written when it is not empty.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem(s) in input; nothing was written:", len(es))
	for i, e := range es {
		if i == 50 {
			fmt.Fprintf(&b, "\n  … and %d more", len(es)-50)
			break
		}
		b.WriteString("\n  " + e.Error())
	}
	return b.String()
}

// Unwrap exposes the individual errors to errors.Is/As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Add records one problem at file:line in field (a path such as "entities[2].kind").
func (es *Errors) Add(file string, line int, field, format string, args ...any) {
	*es = append(*es, &Error{File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Err is the list sorted by file and line, or nil when it is empty.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].File != es[j].File {
			return es[i].File < es[j].File
		}
		return es[i].Line < es[j].Line
	})
	return es
}

// BundleFiles expands paths (files or folders, recursively) into bundle files: *.yaml,
// *.yml and *.json, in lexical order. A named file is taken whatever its extension.
func BundleFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return out, nil
}

// ParseFile reads one bundle file (YAML or JSON).
func ParseFile(path string) (*Bundle, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse decodes a bundle from YAML or JSON bytes; name is used in error messages. Unknown
// fields, wrong types and a missing or unsupported schemaVersion are errors with a line.
func Parse(name string, data []byte) (*Bundle, error) {
	var errs Errors
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		errs.Add(name, line, "", "bundle is not valid UTF-8 (save it as UTF-8)")
		return nil, errs.Err()
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		errs.Add(name, 1, "", "bundle is empty")
		return nil, errs.Err()
	}
	if strings.EqualFold(filepath.Ext(name), ".json") {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			line := 0
			var se *json.SyntaxError
			if errors.As(err, &se) {
				line = 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			}
			errs.Add(name, line, "", "malformed JSON: %v", err)
			return nil, errs.Err()
		}
		// Valid JSON holds tabs only as whitespace between tokens, which YAML's flow
		// style does not always accept; spaces are equivalent there.
		data = bytes.ReplaceAll(data, []byte("\t"), []byte(" "))
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		errs.Add(name, yamlErrLine(err), "", "malformed YAML: %s", yamlErrMsg(err))
		return nil, errs.Err()
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		errs.Add(name, 1, "", "a bundle must be a mapping with schemaVersion, document, entities, relations, quantities, conditions")
		return nil, errs.Err()
	}
	d := &decoder{file: name, errs: &errs}
	b := d.bundle(root.Content[0])
	b.file = name
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return b, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func yamlErrLine(err error) int {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	var line int
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i+5:], "%d", &line)
	}
	return line
}

func yamlErrMsg(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// decoder walks the YAML node tree so that every error can name its line and field.
type decoder struct {
	file string
	errs *Errors
}

func (d *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs.Add(d.file, line, field, format, args...)
}

// fields returns a mapping's keys → value nodes, reporting unknown and duplicate keys.
func (d *decoder) fields(n *yaml.Node, path string, allowed ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping, got %s", nodeKind(n))
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if !contains(allowed, key) {
			d.fail(k, join(path, key), "unknown field (allowed: %s)", strings.Join(allowed, ", "))
			continue
		}
		if _, dup := out[key]; dup {
			d.fail(k, join(path, key), "field given twice")
			continue
		}
		out[key] = v
	}
	return out
}

// lines records the line of every key of a mapping, and of the keys of its props mapping.
func lines(n *yaml.Node) map[string]int {
	out := map[string]int{}
	if n == nil || n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		out[k.Value] = k.Line
		if k.Value == "props" && v.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(v.Content); j += 2 {
				out["props."+v.Content[j].Value] = v.Content[j].Line
			}
		}
	}
	return out
}

func (d *decoder) str(n *yaml.Node, path string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		if n.Tag == "!!null" {
			return ""
		}
		d.fail(n, path, "want a string, got %s", nodeKind(n))
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (d *decoder) strs(n *yaml.Node, path string) []string {
	if n == nil || n.Tag == "!!null" {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{strings.TrimSpace(n.Value)}
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "want a list of strings, got %s", nodeKind(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		if s := d.str(c, fmt.Sprintf("%s[%d]", path, i)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) num(n *yaml.Node, path string) *float64 {
	if n == nil || n.Tag == "!!null" {
		return nil
	}
	var f float64
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") || n.Decode(&f) != nil {
		d.fail(n, path, "want a number, got %q", n.Value)
		return nil
	}
	return &f
}

func (d *decoder) intp(n *yaml.Node, path string) *int {
	if n == nil || n.Tag == "!!null" {
		return nil
	}
	var i int
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Decode(&i) != nil {
		d.fail(n, path, "want an integer, got %q", n.Value)
		return nil
	}
	return &i
}

// props decodes a mapping of scalar or list-of-scalar values into Go values.
func (d *decoder) props(n *yaml.Node, path string) map[string]any {
	if n == nil || n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping, got %s", nodeKind(n))
		return nil
	}
	out := map[string]any{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var val any
		if err := v.Decode(&val); err != nil {
			d.fail(v, join(path, k.Value), "%v", err)
			continue
		}
		if _, isMap := val.(map[string]any); isMap {
			d.fail(v, join(path, k.Value), "nested mappings are not allowed in props")
			continue
		}
		out[k.Value] = val
	}
	return out
}

func (d *decoder) bundle(n *yaml.Node) *Bundle {
	f := d.fields(n, "", "schemaVersion", "document", "entities", "relations", "quantities", "conditions")
	b := &Bundle{}
	if v := d.intp(f["schemaVersion"], "schemaVersion"); v == nil {
		if f["schemaVersion"] == nil {
			d.fail(n, "schemaVersion", "missing (this build reads schemaVersion %d)", SchemaVersion)
		}
	} else if *v != SchemaVersion {
		d.fail(f["schemaVersion"], "schemaVersion", "unsupported version %d (this build reads %d)", *v, SchemaVersion)
	} else {
		b.SchemaVersion = *v
	}
	if dn := f["document"]; dn == nil {
		d.fail(n, "document", "missing: a bundle describes one source document (path, title)")
	} else {
		df := d.fields(dn, "document", "id", "path", "title", "props")
		b.Document = DocumentSpec{
			ID: d.str(df["id"], "document.id"), Path: d.str(df["path"], "document.path"),
			Title: d.str(df["title"], "document.title"), Props: d.props(df["props"], "document.props"),
			Pos: pos(dn),
		}
		if b.Document.Path == "" {
			d.fail(dn, "document.path", "missing: the path of the source text, relative to this bundle")
		}
		if b.Document.Title == "" {
			d.fail(dn, "document.title", "missing")
		}
	}
	for i, en := range d.seq(f["entities"], "entities") {
		path := fmt.Sprintf("entities[%d]", i)
		ef := d.fields(en, path, "id", "kind", "name", "aliases", "props", "anchor", "method", "confidence")
		if ef == nil {
			continue
		}
		b.Entities = append(b.Entities, EntitySpec{
			ID: d.str(ef["id"], path+".id"), Kind: d.str(ef["kind"], path+".kind"),
			Name: d.str(ef["name"], path+".name"), Aliases: d.strs(ef["aliases"], path+".aliases"),
			Props: d.props(ef["props"], path+".props"), Anchor: d.anchors(ef["anchor"], path+".anchor"),
			Method: d.str(ef["method"], path+".method"), Confidence: d.num(ef["confidence"], path+".confidence"),
			Pos: pos(en),
		})
	}
	for i, rn := range d.seq(f["relations"], "relations") {
		path := fmt.Sprintf("relations[%d]", i)
		rf := d.fields(rn, path, "type", "from", "to", "props", "anchor", "method", "confidence")
		if rf == nil {
			continue
		}
		b.Relations = append(b.Relations, RelationSpec{
			Type: d.str(rf["type"], path+".type"), From: d.str(rf["from"], path+".from"),
			To: d.str(rf["to"], path+".to"), Props: d.props(rf["props"], path+".props"),
			Anchor: d.anchors(rf["anchor"], path+".anchor"), Method: d.str(rf["method"], path+".method"),
			Confidence: d.num(rf["confidence"], path+".confidence"), Pos: pos(rn),
		})
	}
	for i, qn := range d.seq(f["quantities"], "quantities") {
		path := fmt.Sprintf("quantities[%d]", i)
		qf := d.fields(qn, path, "of", "what", "figure", "value", "unit", "min", "max", "qualifier", "asOf", "anchor", "method", "confidence")
		if qf == nil {
			continue
		}
		b.Quantities = append(b.Quantities, QuantitySpec{
			Of: d.str(qf["of"], path+".of"), What: d.str(qf["what"], path+".what"),
			Figure: d.str(qf["figure"], path+".figure"), Value: d.num(qf["value"], path+".value"),
			Unit: d.str(qf["unit"], path+".unit"), Min: d.num(qf["min"], path+".min"),
			Max: d.num(qf["max"], path+".max"), Qualifier: d.str(qf["qualifier"], path+".qualifier"),
			AsOf: d.str(qf["asOf"], path+".asOf"), Anchor: d.anchors(qf["anchor"], path+".anchor"),
			Method: d.str(qf["method"], path+".method"), Confidence: d.num(qf["confidence"], path+".confidence"),
			Pos: pos(qn),
		})
	}
	b.Conditions = d.conditions(f["conditions"]) // conditions.go
	return b
}

func (d *decoder) seq(n *yaml.Node, path string) []*yaml.Node {
	if n == nil || n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "want a list, got %s", nodeKind(n))
		return nil
	}
	return n.Content
}

func (d *decoder) anchors(n *yaml.Node, path string) Anchors {
	if n == nil || n.Tag == "!!null" {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return Anchors{{Text: strings.TrimSpace(n.Value), Pos: Pos{line: n.Line}}}
	case yaml.MappingNode:
		f := d.fields(n, path, "text", "passage", "start", "end")
		return Anchors{{Text: d.str(f["text"], path+".text"), Passage: d.intp(f["passage"], path+".passage"),
			Start: d.intp(f["start"], path+".start"), End: d.intp(f["end"], path+".end"), Pos: Pos{line: n.Line}}}
	case yaml.SequenceNode:
		var out Anchors
		for i, c := range n.Content {
			out = append(out, d.anchors(c, fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	}
	d.fail(n, path, "want a string, a mapping {text, passage} / {start, end} or a list of them")
	return nil
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
