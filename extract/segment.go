package extract

import (
	"log/slog"
	"sync"

	"github.com/go-ego/gse"
)

// segmenter wraps the gse word segmenter. Its dictionary (embedded in the gse module, no
// network) is loaded once per process, on first use.
type segmenter struct {
	seg gse.Segmenter
}

var (
	segOnce sync.Once
	segDef  *segmenter
)

// defaultSegmenter returns the shared segmenter, loading it on first call; nil when the
// dictionary cannot be loaded (extraction then goes on without it).
func defaultSegmenter() *segmenter {
	segOnce.Do(func() {
		s := &segmenter{}
		s.seg.SkipLog = true
		if err := s.seg.LoadDictEmbed(); err != nil {
			slog.Warn("extract: word segmenter unavailable, going on without it", "err", err)
			return
		}
		segDef = s
	})
	return segDef
}

// bounds returns, for the runes of text, which offsets (0..len) are token boundaries.
func (s *segmenter) bounds(text []rune) []bool {
	b := make([]bool, len(text)+1)
	b[0], b[len(text)] = true, true
	off := 0
	for _, tok := range s.seg.Cut(string(text), false) {
		off += len([]rune(tok))
		if off <= len(text) {
			b[off] = true
		}
	}
	return b
}

// common reports whether word is a dictionary word that is not a proper noun, or a
// frequent word: a stem such as 金融 or 智慧 (金融科技, 智慧医疗) is common; 矽睿 or 黑湖
// is not.
func (s *segmenter) common(word string) bool {
	freq, pos, ok := s.seg.Find(word)
	if !ok || freq <= 0 {
		return false
	}
	if freq >= 500 {
		return true // frequent enough to be a word whatever its tag (智慧 is tagged nr)
	}
	switch pos {
	case "nr", "nrt", "nrfg", "ns", "nt", "nz", "x":
		return false
	}
	return true
}
