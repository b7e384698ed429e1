package main

import (
	"os"
	"strings"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
)

var (
	poolOnce sync.Once
	pool     pdfium.Pool
	poolErr  error
)

func readPDFium(f string) (string, error) {
	poolOnce.Do(func() {
		start := time.Now()
		pool, poolErr = webassembly.Init(webassembly.Config{MinIdle: 1, MaxIdle: 1, MaxTotal: 1})
		println("go-pdfium: wasm pool start", time.Since(start).Round(time.Millisecond).String())
	})
	if poolErr != nil {
		return "", poolErr
	}
	inst, err := pool.GetInstance(30 * time.Second)
	if err != nil {
		return "", err
	}
	defer inst.Close()
	b, err := os.ReadFile(f)
	if err != nil {
		return "", err
	}
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &b})
	if err != nil {
		return "", err
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	n, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for i := 0; i < n.PageCount; i++ {
		t, err := inst.GetPageText(&requests.GetPageText{Page: requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: i}}})
		if err != nil {
			return "", err
		}
		sb.WriteString(t.Text)
		sb.WriteString("\f")
	}
	return sb.String(), nil
}
