// Command pdfx measures PDF text extractors on the same files: pdftotext (poppler, a
// subprocess), github.com/ledongthuc/pdf (pure Go) and github.com/klippa-app/go-pdfium
// (PDFium compiled to WebAssembly, run by wazero; no cgo). It is its own module so that
// the losers never become dependencies of policygraph. For each file and extractor: the
// character error rate against the known text (spaces and line breaks ignored), wall time
// and the extractor's text.
//
//	cd bench/pdfx && go run . KNOWN.txt FILE.pdf…
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode"

	"github.com/ledongthuc/pdf"
)

func main() {
	known, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	for _, f := range os.Args[2:] {
		for _, x := range []struct {
			name string
			run  func(string) (string, error)
		}{{"pdftotext -layout", poppler("-layout")}, {"pdftotext", poppler()}, {"ledongthuc/pdf", ledongthuc}, {"go-pdfium (wasm)", readPDFium}} {
			start := time.Now()
			txt, err := x.run(f)
			el := time.Since(start)
			if err != nil {
				fmt.Printf("%s\t%s\terror: %v\n", f, x.name, err)
				continue
			}
			fmt.Printf("%s\t%s\tCER %.3f\t%v\n", f, x.name, cer(squash(txt), squash(string(known))), el.Round(time.Millisecond))
			if os.Getenv("SHOW") != "" {
				fmt.Println(txt)
			}
		}
	}
}

func poppler(args ...string) func(string) (string, error) {
	return func(f string) (string, error) {
		out, err := exec.Command("pdftotext", append(append(args, "-enc", "UTF-8"), f, "-")...).Output()
		return string(out), err
	}
}

func ledongthuc(f string) (string, error) {
	fh, r, err := pdf.Open(f)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	var b bytes.Buffer
	rd, err := r.GetPlainText()
	if err != nil {
		return "", err
	}
	_, err = b.ReadFrom(rd)
	return b.String(), err
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func cer(got, want string) float64 {
	a, b := []rune(got), []rune(want)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return float64(prev[len(b)]) / float64(max(len(b), 1))
}
