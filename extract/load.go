package extract

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/policygraph/policygraph/textnorm"
)

// ErrEmpty is wrapped by Load for a file with no text.
var ErrEmpty = errors.New("empty document")

// Load reads a raw policy text (UTF-8 or GB18030), decodes and normalises it. Errors name
// the file: it cannot be read, it is empty or blank (ErrEmpty), or it is not text
// (binary or invalid in both encodings, as textnorm.Decode reports).
func Load(path string) (*textnorm.Document, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("%s: %w", path, ErrEmpty)
	}
	text, _, err := textnorm.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	doc := textnorm.Normalize(text)
	if strings.TrimSpace(doc.Text) == "" {
		return nil, fmt.Errorf("%s: %w (no text after normalisation)", path, ErrEmpty)
	}
	return doc, nil
}
