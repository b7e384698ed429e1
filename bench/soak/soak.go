package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Config is one soak run.
type Config struct {
	Binary      string        // the policygraph binary to serve with
	NeoURI      string        // Neo4j it serves (seeded by the caller)
	NeoPassword string        // its password
	Addr        string        // 127.0.0.1:PORT to serve on
	Duration    time.Duration // how long the load runs
	Concurrency int           // clients
	WriteShare  float64       // share of requests that are curation writes (0..1)
	Sample      time.Duration // how often RSS and goroutines are sampled
	OutDir      string        // where samples.csv, rss.png and summary.json go
	Log         io.Writer     // progress lines
}

// Sample is one reading of the server process.
type Sample struct {
	At         time.Duration
	RSSMB      float64
	HeapMB     float64
	Goroutines int
	Requests   int64
}

// Report is the outcome of a run.
type Report struct {
	Duration         string              `json:"duration"`
	Concurrency      int                 `json:"concurrency"`
	Requests         int64               `json:"requests"`
	Writes           int64               `json:"writes"`
	RPS              float64             `json:"rps"`
	ByStatus         map[string]int64    `json:"byStatus"`
	ByCode           map[string]int64    `json:"byCode"` // GraphQL error codes
	ServerErrors     int64               `json:"serverErrors"`
	Internal         int64               `json:"internal"`
	Transport        int64               `json:"transportErrors"`
	LatencyMS        map[string]Pcts     `json:"latencyMs"` // by operation
	Messages         map[string][]string `json:"messages"`  // first distinct messages per error code
	GoroutinesBefore int                 `json:"goroutinesBefore"`
	GoroutinesAfter  int                 `json:"goroutinesAfter"`
	RSSStartMB       float64             `json:"rssStartMB"` // first sample under load
	RSSQuarterMB     float64             `json:"rssQuarterMB"`
	RSSEndMB         float64             `json:"rssEndMB"`
	RSSMaxMB         float64             `json:"rssMaxMB"`
	RSSGrowthPct     float64             `json:"rssGrowthPctAfterWarmup"` // end vs 25% mark
	Samples          []Sample            `json:"-"`
}

// Pcts are latency percentiles.
type Pcts struct {
	N             int
	P50, P95, P99 float64
	Max           float64
}

// op is one kind of request of the mix.
type op struct {
	name  string
	write bool
	build func(r *rand.Rand, w *world) (string, map[string]any)
}

// world is what the operations pick from: ids read from the served graph at the start.
type world struct {
	entities, enterprises, policies, industries, names []string
	relIDs                                             sync.Map // rel ids added by the soak, retractable
	added                                              atomic.Int64
}

const (
	soakSecret = "soak-test-hs256-secret-0123456789abcdef"
	replyDoc   = "document:changning-2023-proposal-044-reply"
)

// quotes occur exactly once in the reply document; curation writes cite them.
var quotes = []string{"龙头企业矽睿科技", "新能源服务行业的宁普时代", "AI赋能风电和零售行业的扩博智能", "工业互联网领域的创新企业黑湖科技和天博开物"}

var ops = []op{
	{name: "search", build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `query($t: String!) { search(text: $t, first: 10) { score node { id name kind } } }`, map[string]any{"t": pick(r, w.names)}
	}},
	{name: "node", build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `query($id: ID!) { node(id: $id) { id name aliases sources { quote document { name } } quantities { value unit } relations(first: 10) { totalCount edges { node { id name } } } } }`, map[string]any{"id": pick(r, w.entities)}
	}},
	{name: "nodes", build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `{ nodes(kind: ENTERPRISE, first: 30) { totalCount edges { node { id ... on Enterprise { supportedBy(first: 5) { edges { node { name } } } } } } } }`, nil
	}},
	{name: "neighborhood", build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 200) { truncated nodes { id label } edges { id type source target } } }`, map[string]any{"id": pick(r, w.entities)}
	}},
	{name: "lineage", build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `query($id: ID!) { lineage(id: $id, direction: BOTH, maxDepth: 4) { nodes { id } edges { type } } }`, map[string]any{"id": pick(r, w.policies)}
	}},
	{name: "policiesSupporting", build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `query($id: ID!) { policiesSupporting(enterpriseId: $id, maxHops: 3) { hops policy { name } } }`, map[string]any{"id": pick(r, w.enterprises)}
	}},
	{name: "shortestPath", build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `query($a: ID!, $b: ID!) { shortestPath(fromId: $a, toId: $b, maxHops: 5) { nodes { id } } }`, map[string]any{"a": pick(r, w.enterprises), "b": pick(r, w.industries)}
	}},
	{name: "stats", build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `{ stats { nodes relationships retractedFacts byKind { kind count } } }`, nil
	}},
	{name: "includeRetracted", build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `query($id: ID!) { node(id: $id, includeRetracted: true) { id retracted relations(includeRetracted: true, first: 20) { edges { relation { id retracted } } } } }`, map[string]any{"id": pick(r, w.enterprises)}
	}},
	{name: "addRelation", write: true, build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `mutation($in: RelationInput!) { addRelation(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"type": pick(r, []string{"SUPPORTS", "TARGETS", "INVESTS_IN"}), "fromId": pick(r, w.policies), "toId": pick(r, w.enterprises),
			"source": map[string]any{"documentId": replyDoc, "text": pick(r, quotes)}, "note": "soak"}}
	}},
	{name: "retractRelation", write: true, build: func(r *rand.Rand, w *world) (string, map[string]any) {
		id := ""
		w.relIDs.Range(func(k, _ any) bool { id = k.(string); w.relIDs.Delete(k); return false })
		if id == "" {
			id = "rel:SUPPORTS:none"
		}
		return `mutation($id: ID!) { retractRelation(id: $id, reason: "soak") { id retracted } }`, map[string]any{"id": id}
	}},
	{name: "markReviewed", write: true, build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `mutation($id: ID!) { markReviewed(id: $id, note: "soak") { review { by at } } }`, map[string]any{"id": pick(r, w.entities)}
	}},
	{name: "addQuantity", write: true, build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `mutation($in: QuantityInput!) { addQuantity(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"subjectId": pick(r, w.enterprises), "what": "研发投入", "value": float64(r.IntN(1000)), "unit": "CNY",
			"source": map[string]any{"documentId": replyDoc, "text": pick(r, quotes)}}}
	}},
	{name: "auditTrail", build: func(r *rand.Rand, w *world) (string, map[string]any) {
		return `query($id: ID) { auditTrail(targetId: $id, first: 10) { totalCount edges { node { action actor at } } } }`, map[string]any{"id": pick(r, w.entities)}
	}},
}

func pick(r *rand.Rand, from []string) string {
	if len(from) == 0 {
		return "none"
	}
	return from[r.IntN(len(from))]
}

// Run starts the server, loads it, samples it, stops it and writes the results.
func Run(ctx context.Context, cfg Config) (Report, error) {
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return Report{}, err
	}
	base := "http://" + cfg.Addr
	serverLog, err := os.Create(filepath.Join(cfg.OutDir, "server.log"))
	if err != nil {
		return Report{}, err
	}
	defer serverLog.Close()
	cmd := exec.Command(cfg.Binary, "serve")
	cmd.Env = append(os.Environ(), "NEO4J_URI="+cfg.NeoURI, "NEO4J_PASSWORD="+cfg.NeoPassword, "HTTP_ADDR="+cfg.Addr,
		"AUTH_JWT_HS256_SECRET="+soakSecret, "RATE_LIMIT_RPS=0", "LOG_LEVEL=warn", "SHUTDOWN_TIMEOUT=10s")
	cmd.Stdout, cmd.Stderr = serverLog, serverLog
	if err := cmd.Start(); err != nil {
		return Report{}, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopServer := func() error {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			return err
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			return fmt.Errorf("server did not stop within 20s")
		}
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Concurrency * 2}}
	if err := waitReady(ctx, client, base, exited); err != nil {
		_ = stopServer()
		return Report{}, fmt.Errorf("%w (server log: %s)", err, serverLog.Name())
	}
	tok, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "soak", "role": "editor",
		"exp": time.Now().Add(cfg.Duration + time.Hour).Unix()}).SignedString([]byte(soakSecret))
	w, err := loadWorld(ctx, client, base)
	if err != nil {
		_ = stopServer()
		return Report{}, err
	}
	logf("soak: serving %s (pid %d); %d entities to pick from; %s at concurrency %d, %.0f%% writes",
		base, cmd.Process.Pid, len(w.entities), cfg.Duration, cfg.Concurrency, cfg.WriteShare*100)

	time.Sleep(time.Second)
	before, _ := sample(client, base, cmd.Process.Pid)
	rep := Report{Duration: cfg.Duration.String(), Concurrency: cfg.Concurrency, ByStatus: map[string]int64{}, ByCode: map[string]int64{},
		LatencyMS: map[string]Pcts{}, Messages: map[string][]string{}, GoroutinesBefore: before.Goroutines}

	var (
		mu        sync.Mutex
		latencies = map[string][]float64{}
		requests  atomic.Int64
		writes    atomic.Int64
	)
	record := func(name string, ms float64, status int, codes, msgs []string, terr error) {
		mu.Lock()
		defer mu.Unlock()
		latencies[name] = append(latencies[name], ms)
		switch {
		case terr != nil:
			rep.Transport++
			rep.ByStatus["transport"]++
		default:
			rep.ByStatus[strconv.Itoa(status)]++
			if status >= 500 {
				rep.ServerErrors++
			}
		}
		for i, c := range codes {
			rep.ByCode[c]++
			if c == "INTERNAL" {
				rep.Internal++
			}
			if m := name + ": " + msgs[i]; len(rep.Messages[c]) < 5 && !slices.Contains(rep.Messages[c], m) {
				rep.Messages[c] = append(rep.Messages[c], m)
			}
		}
		if terr != nil && len(rep.Messages["transport"]) < 5 {
			rep.Messages["transport"] = append(rep.Messages["transport"], name+": "+terr.Error())
		}
	}
	var reads, wops []op
	for _, o := range ops {
		if o.write {
			wops = append(wops, o)
		} else {
			reads = append(reads, o)
		}
	}
	loadCtx, stopLoad := context.WithTimeout(ctx, cfg.Duration)
	defer stopLoad()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range cfg.Concurrency {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, 42))
			for loadCtx.Err() == nil {
				o := reads[r.IntN(len(reads))]
				if r.Float64() < cfg.WriteShare {
					o = wops[r.IntN(len(wops))]
					writes.Add(1)
				}
				q, vars := o.build(r, w)
				t0 := time.Now()
				status, codes, msgs, data, terr := post(loadCtx, client, base, tok, q, vars)
				if loadCtx.Err() != nil && terr != nil {
					return // cancelled at the end of the run
				}
				requests.Add(1)
				record(o.name, float64(time.Since(t0).Microseconds())/1000, status, codes, msgs, terr)
				if o.name == "addRelation" && len(codes) == 0 {
					var d struct{ AddRelation struct{ ID string } }
					if json.Unmarshal(data, &d) == nil && d.AddRelation.ID != "" {
						w.relIDs.Store(d.AddRelation.ID, true)
					}
				}
			}
		}(uint64(i) + 1)
	}

	// Sample the server while the load runs.
	samples := []Sample{}
	tick := time.NewTicker(cfg.Sample)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	lastLog := time.Now()
sampling:
	for {
		select {
		case <-tick.C:
			s, err := sample(client, base, cmd.Process.Pid)
			if err == nil {
				s.At, s.Requests = time.Since(start), requests.Load()
				samples = append(samples, s)
			}
			if time.Since(lastLog) >= 30*time.Second {
				lastLog = time.Now()
				logf("soak: %s, %d requests, RSS %.1f MB, %d goroutines", time.Since(start).Round(time.Second), requests.Load(), s.RSSMB, s.Goroutines)
			}
		case <-done:
			break sampling
		}
	}
	tick.Stop()
	elapsed := time.Since(start)
	client.CloseIdleConnections()
	time.Sleep(3 * time.Second) // keep-alive connections and dataloader timers wind down
	after, _ := sample(client, base, cmd.Process.Pid)
	client.CloseIdleConnections()
	if err := stopServer(); err != nil {
		logf("soak: server exit: %v", err)
	}

	rep.Requests, rep.Writes = requests.Load(), writes.Load()
	rep.RPS = float64(rep.Requests) / elapsed.Seconds()
	rep.GoroutinesAfter = after.Goroutines
	for name, ls := range latencies {
		rep.LatencyMS[name] = percentiles(ls)
	}
	rep.Samples = samples
	if n := len(samples); n > 0 {
		rep.RSSStartMB, rep.RSSEndMB = samples[0].RSSMB, samples[n-1].RSSMB
		rep.RSSQuarterMB = samples[n/4].RSSMB
		for _, s := range samples {
			rep.RSSMaxMB = max(rep.RSSMaxMB, s.RSSMB)
		}
		if rep.RSSQuarterMB > 0 {
			rep.RSSGrowthPct = (rep.RSSEndMB - rep.RSSQuarterMB) / rep.RSSQuarterMB * 100
		}
	}
	if err := writeResults(cfg.OutDir, rep); err != nil {
		return rep, err
	}
	return rep, nil
}

func waitReady(ctx context.Context, c *http.Client, base string, exited <-chan error) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("server exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if resp, err := c.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("server not ready within 2 minutes")
}

// loadWorld reads the ids the operations pick from: up to 300 entities of each kind the
// operations need, and their names' first characters as search texts.
func loadWorld(ctx context.Context, c *http.Client, base string) (*world, error) {
	w := &world{}
	for _, kind := range []string{"ENTERPRISE", "POLICY", "INDUSTRY", "PROGRAM", "ORGANIZATION"} {
		var d struct {
			Nodes struct {
				Edges []struct {
					Node struct{ ID, Name string }
				}
			}
		}
		_, codes, _, data, err := post(ctx, c, base, "", `query($k: NodeKind) { nodes(kind: $k, first: 300) { edges { node { id name } } } }`, map[string]any{"k": kind})
		if err != nil || len(codes) > 0 {
			return nil, fmt.Errorf("reading the graph: %v %v", err, codes)
		}
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, err
		}
		for _, e := range d.Nodes.Edges {
			n := e.Node
			w.entities = append(w.entities, n.ID)
			rs := []rune(n.Name)
			w.names = append(w.names, string(rs[:min(len(rs), 2+len(w.names)%4)]))
			switch kind {
			case "ENTERPRISE":
				w.enterprises = append(w.enterprises, n.ID)
			case "POLICY":
				w.policies = append(w.policies, n.ID)
			case "INDUSTRY":
				w.industries = append(w.industries, n.ID)
			}
		}
	}
	if len(w.entities) == 0 || len(w.enterprises) == 0 || len(w.policies) == 0 {
		return nil, fmt.Errorf("the served graph is empty or lacks enterprises and policies; seed it first")
	}
	return w, nil
}

// post sends one operation; it returns the HTTP status, the GraphQL error codes and
// messages, and the data.
func post(ctx context.Context, c *http.Client, base, tok, q string, vars map[string]any) (int, []string, []string, json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, nil, nil, err
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(raw, &r)
	var codes, msgs []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		codes, msgs = append(codes, c), append(msgs, e.Message)
	}
	return resp.StatusCode, codes, msgs, r.Data, nil
}

// sample reads the server's RSS from /proc and its goroutines and heap from /metrics.
func sample(c *http.Client, base string, pid int) (Sample, error) {
	var s Sample
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				s.RSSMB = kb / 1024
			}
		}
	}
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "go_goroutines "):
			v, _ := strconv.ParseFloat(strings.TrimPrefix(line, "go_goroutines "), 64)
			s.Goroutines = int(v)
		case strings.HasPrefix(line, "go_memstats_heap_inuse_bytes "):
			v, _ := strconv.ParseFloat(strings.TrimPrefix(line, "go_memstats_heap_inuse_bytes "), 64)
			s.HeapMB = v / (1 << 20)
		}
	}
	return s, sc.Err()
}

func percentiles(ls []float64) Pcts {
	sort.Float64s(ls)
	at := func(p float64) float64 {
		if len(ls) == 0 {
			return 0
		}
		return ls[min(len(ls)-1, int(p*float64(len(ls))))]
	}
	p := Pcts{N: len(ls), P50: at(0.50), P95: at(0.95), P99: at(0.99)}
	if len(ls) > 0 {
		p.Max = ls[len(ls)-1]
	}
	return p
}

// writeResults writes samples.csv, summary.json and rss.png (RSS, heap and goroutines over
// time) into dir.
func writeResults(dir string, rep Report) error {
	f, err := os.Create(filepath.Join(dir, "samples.csv"))
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	_ = cw.Write([]string{"seconds", "rss_mb", "heap_inuse_mb", "goroutines", "requests"})
	for _, s := range rep.Samples {
		_ = cw.Write([]string{strconv.FormatFloat(s.At.Seconds(), 'f', 1, 64), strconv.FormatFloat(s.RSSMB, 'f', 1, 64),
			strconv.FormatFloat(s.HeapMB, 'f', 1, 64), strconv.Itoa(s.Goroutines), strconv.FormatInt(s.Requests, 10)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	return plotSamples(filepath.Join(dir, "rss.png"), rep)
}

// plotSamples draws rss.png (RSS and Go heap over time) and goroutines.png next to it.
func plotSamples(path string, rep Report) error {
	rss, heap, gor := make(plotter.XYs, len(rep.Samples)), make(plotter.XYs, len(rep.Samples)), make(plotter.XYs, len(rep.Samples))
	for i, s := range rep.Samples {
		x := s.At.Seconds()
		rss[i] = plotter.XY{X: x, Y: s.RSSMB}
		heap[i] = plotter.XY{X: x, Y: s.HeapMB}
		gor[i] = plotter.XY{X: x, Y: float64(s.Goroutines)}
	}
	type series struct {
		name  string
		xy    plotter.XYs
		color color.Color
	}
	draw := func(file, title, ylabel string, ss ...series) error {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text = "seconds"
		p.Y.Label.Text = ylabel
		p.Y.Min = 0
		p.Add(plotter.NewGrid())
		for _, l := range ss {
			line, err := plotter.NewLine(l.xy)
			if err != nil {
				return err
			}
			line.Color, line.Width = l.color, vg.Points(1.2)
			p.Add(line)
			p.Legend.Add(l.name, line)
		}
		p.Legend.Top, p.Legend.Left = true, true
		p.Y.Max = p.Y.Max * 1.25 // room for the legend
		return p.Save(9*vg.Inch, 4*vg.Inch, file)
	}
	head := fmt.Sprintf("policygraph soak: %s at concurrency %d, %d requests (%.0f/s)", rep.Duration, rep.Concurrency, rep.Requests, rep.RPS)
	if err := draw(path, head+": memory", "MB",
		series{"RSS of the server process", rss, color.RGBA{R: 200, A: 255}},
		series{"Go heap in use", heap, color.RGBA{B: 200, A: 255}}); err != nil {
		return err
	}
	return draw(filepath.Join(filepath.Dir(path), "goroutines.png"), head+": goroutines", "goroutines",
		series{"goroutines (in-flight requests and their dataloader batches)", gor, color.RGBA{G: 140, A: 255}})
}

// Replot redraws the PNGs of a results folder from its samples.csv and summary.json.
func Replot(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return err
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, "samples.csv"))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	for _, r := range rows[1:] {
		sec, _ := strconv.ParseFloat(r[0], 64)
		rss, _ := strconv.ParseFloat(r[1], 64)
		heap, _ := strconv.ParseFloat(r[2], 64)
		g, _ := strconv.Atoi(r[3])
		n, _ := strconv.ParseInt(r[4], 10, 64)
		rep.Samples = append(rep.Samples, Sample{At: time.Duration(sec * float64(time.Second)), RSSMB: rss, HeapMB: heap, Goroutines: g, Requests: n})
	}
	return plotSamples(filepath.Join(dir, "rss.png"), rep)
}
