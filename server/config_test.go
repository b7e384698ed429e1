package server

import (
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/policygraph/policygraph/auth"
	"github.com/policygraph/policygraph/graph"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := ConfigFromEnv(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Addr: "127.0.0.1:8080", Introspection: true, GraphiQL: true, MaxComplexity: 5000,
		Limits: graph.Limits{MaxDepth: 12, MaxFirst: 500, MaxLimit: 1000, MaxHops: 6, MaxLineageDepth: 10, MaxNeighborhoodDepth: 3,
			MaxAliases: 30, MaxStringBytes: 4 << 10},
		APQCacheSize: 1000, QueryCacheSize: 1000, LoaderWait: 2 * time.Millisecond, DirectViews: true,
		RequestTimeout: 10 * time.Second, ReadyTimeout: 2 * time.Second, ShutdownGrace: 15 * time.Second,
		MaxBodyBytes: 1 << 20, RateLimitRPS: 50, RateLimitBurst: 100, IngestMaxBytes: 512 << 10, MaxResponseBytes: 8 << 20,
		Auth: auth.Config{RoleClaim: "role"},
	}
	rsaKeys := cmp.Comparer(func(a, b *rsa.PublicKey) bool { return a == b || (a != nil && b != nil && a.Equal(b)) })
	if diff := cmp.Diff(want, cfg, cmpopts.EquateEmpty(), rsaKeys); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if err := cfg.Limits.Validate(); err != nil {
		t.Errorf("default limits: %v", err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	cfg, err := ConfigFromEnv(envOf(map[string]string{
		"HTTP_ADDR": "0.0.0.0:9000", "GRAPHQL_INTROSPECTION": "false", "GRAPHIQL": "0",
		"GRAPHQL_MAX_DEPTH": "8", "GRAPHQL_MAX_COMPLEXITY": "900", "GRAPHQL_MAX_FIRST": "100",
		"GRAPHQL_MAX_HOPS": "4", "REQUEST_TIMEOUT": "3s", "MAX_BODY_BYTES": "512KiB",
		"CORS_ORIGINS": "http://localhost:5173, https://app.example/", "GRAPHQL_APQ_CACHE_SIZE": "50",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "0.0.0.0:9000" || cfg.Introspection || cfg.GraphiQL || cfg.Limits.MaxDepth != 8 ||
		cfg.MaxComplexity != 900 || cfg.Limits.MaxFirst != 100 || cfg.Limits.MaxHops != 4 ||
		cfg.RequestTimeout != 3*time.Second || cfg.MaxBodyBytes != 512<<10 || cfg.APQCacheSize != 50 {
		t.Errorf("cfg = %+v", cfg)
	}
	if diff := cmp.Diff([]string{"http://localhost:5173", "https://app.example"}, cfg.CORSOrigins); diff != "" {
		t.Errorf("CORS origins: %s", diff)
	}
}

func TestConfigErrors(t *testing.T) {
	_, err := ConfigFromEnv(envOf(map[string]string{
		"HTTP_ADDR": "localhost", "GRAPHQL_MAX_FIRST": "lots", "GRAPHQL_MAX_HOPS": "99",
		"REQUEST_TIMEOUT": "10", "GRAPHQL_INTROSPECTION": "maybe", "MAX_BODY_BYTES": "1 TB",
		"CORS_ORIGINS": "localhost:3000",
	}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"HTTP_ADDR", "GRAPHQL_MAX_FIRST", "GRAPHQL_MAX_HOPS=99: must be 1..6", "REQUEST_TIMEOUT", "GRAPHQL_INTROSPECTION", "MAX_BODY_BYTES", "CORS_ORIGINS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %s: %v", want, err)
		}
	}
}

func TestEnvTableIsComplete(t *testing.T) {
	read := map[string]bool{}
	_, _ = ConfigFromEnv(func(k string) string { read[k] = true; return "" })
	for _, e := range Env {
		if !read[e.Name] {
			t.Errorf("Env documents %s but ConfigFromEnv never reads it", e.Name)
		}
		if e.Doc == "" {
			t.Errorf("%s has no doc", e.Name)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"1048576": 1 << 20, "1MiB": 1 << 20, "512KiB": 512 << 10, "2M": 2 << 20, "1 GiB": 1 << 30, "100B": 100} {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1.5MiB", "lots", "1TB"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q): no error", in)
		}
	}
}
