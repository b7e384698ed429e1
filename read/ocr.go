package read

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
)

// ocrPDF renders the given pages (pdftoppm, 300 dpi, grey) and reads them with tesseract's
// chi_sim model. Tesseract puts spaces between Chinese characters; they are removed.
func ocrPDF(ctx context.Context, in string, pages []int, s *source) (*source, error) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		return nil, fail(ErrToolMissing, "install tesseract-ocr and tesseract-ocr-chi-sim", "--ocr needs tesseract")
	}
	dir := filepath.Dir(in)
	for _, p := range pages {
		prefix := filepath.Join(dir, "p"+strconv.Itoa(p))
		n := strconv.Itoa(p)
		if out, err := exec.CommandContext(ctx, "pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", n, "-l", n, in, prefix).CombinedOutput(); err != nil {
			return nil, fail(ErrCorrupt, "", "render page %d: %s", p, out)
		}
		txt, err := exec.CommandContext(ctx, "tesseract", prefix+".png", "stdout", "-l", "chi_sim", "--psm", "6").Output()
		if err != nil {
			return nil, fmt.Errorf("tesseract page %d: %w", p, err)
		}
		_ = os.Remove(prefix + ".png")
		s.place(Place{Page: p})
		s.write(hanSpace.ReplaceAllString(string(txt), "$1$2") + "\f")
	}
	s.ocr = true
	return s, nil
}

var hanSpace = regexp.MustCompile(`(\p{Han}|[，。；：、（）“”]) +(\p{Han}|[，。；：、（）“”])`)
