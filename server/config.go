package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/policygraph/policygraph/auth"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/graph/loader"
)

// Config is the HTTP server's configuration. ConfigFromEnv reads it from the environment;
// in a literal Config, New treats a zero number, duration or address as its default (see
// Env), while the booleans are taken as given. Two zero values mean "off" rather than the
// default: RateLimitRPS (no rate limit) and Auth (no credential is accepted, so reads are
// public and writes refused).
type Config struct {
	Addr           string        // HTTP_ADDR: listen address
	Introspection  bool          // GRAPHQL_INTROSPECTION: allow __schema and __type
	GraphiQL       bool          // GRAPHIQL: serve GraphiQL at / and /graphiql
	MaxComplexity  int           // GRAPHQL_MAX_COMPLEXITY: total field cost of one operation
	Limits         graph.Limits  // GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_FIRST, … (see graph.Limits)
	APQCacheSize   int           // GRAPHQL_APQ_CACHE_SIZE: automatic persisted queries kept
	QueryCacheSize int           // GRAPHQL_QUERY_CACHE_SIZE: parsed and validated queries kept
	LoaderWait     time.Duration // GRAPHQL_LOADER_WAIT: how long a dataloader batch collects keys
	DirectViews    bool          // GRAPHQL_DIRECT_VIEWS: outline graph views and nodes pages written without gqlgen's executor (graph.FastViews)
	RequestTimeout time.Duration // REQUEST_TIMEOUT: budget of one GraphQL request
	ReadyTimeout   time.Duration // READY_TIMEOUT: budget of the /readyz database ping
	ShutdownGrace  time.Duration // SHUTDOWN_TIMEOUT: how long shutdown waits for in-flight requests
	MaxBodyBytes   int64         // MAX_BODY_BYTES: largest accepted request body
	CORSOrigins    []string      // CORS_ORIGINS: origins allowed to call /graphql from a browser

	Auth           auth.Config    // AUTH_JWT_*, AUTH_API_KEYS: accepted credentials
	ReadsNeedToken bool           // AUTH_READS=token: reads need a credential too (default public)
	RateLimitRPS   float64        // RATE_LIMIT_RPS: sustained requests per second per client; 0 = off
	RateLimitBurst int            // RATE_LIMIT_BURST: requests a client may send at once
	TrustedProxies []netip.Prefix // RATE_LIMIT_TRUSTED_PROXIES: peers whose X-Forwarded-For names the client
	IngestMaxBytes int64          // INGEST_MAX_BYTES: largest bundle plus text of one ingestDocument
	// MaxResponseBytes (MAX_RESPONSE_BYTES) is the largest GraphQL answer sent; a larger one is
	// replaced by a RESPONSE_TOO_LARGE error (respcap.go).
	MaxResponseBytes int64
}

// EnvVar documents one environment variable the server reads.
type EnvVar struct {
	Name, Default, Doc string
}

// Env lists the server's environment variables with their defaults, in the order of the
// README's configuration table.
var Env = []EnvVar{
	{"HTTP_ADDR", "127.0.0.1:8080", "listen address of the HTTP server (host:port)"},
	{"GRAPHQL_INTROSPECTION", "true", "allow schema introspection (__schema, __type)"},
	{"GRAPHIQL", "true", "serve the GraphiQL IDE at / and /graphiql"},
	{"GRAPHQL_MAX_DEPTH", "12", "deepest field nesting of one operation (introspection excluded)"},
	{"GRAPHQL_MAX_COMPLEXITY", "5000", "largest total cost of one operation; a list costs its page size times its children"},
	{"GRAPHQL_MAX_FIRST", "500", "largest `first` of any list or connection"},
	{"GRAPHQL_MAX_LIMIT", "1000", "largest `limit` of neighborhood"},
	{"GRAPHQL_MAX_HOPS", strconv.Itoa(graph.DefaultLimits.MaxHops), "largest `maxHops` of policiesSupporting, enterprisesSupportedBy, shortestPath"},
	{"GRAPHQL_MAX_LINEAGE_DEPTH", strconv.Itoa(graph.DefaultLimits.MaxLineageDepth), "largest `maxDepth` of lineage"},
	{"GRAPHQL_MAX_NEIGHBORHOOD_DEPTH", strconv.Itoa(graph.DefaultLimits.MaxNeighborhoodDepth), "largest `depth` of neighborhood"},
	{"GRAPHQL_APQ_CACHE_SIZE", "1000", "automatic persisted queries kept (LRU)"},
	{"GRAPHQL_QUERY_CACHE_SIZE", "1000", "parsed and validated query documents kept (LRU)"},
	{"GRAPHQL_LOADER_WAIT", "2ms", "how long a dataloader batch collects keys before its one store call"},
	{"GRAPHQL_DIRECT_VIEWS", "true", "write neighborhood, lineage and shortestPath answers and nodes pages that select only outline fields straight to JSON (same bytes, less CPU); false: through gqlgen's executor"},
	{"REQUEST_TIMEOUT", "10s", "budget of one GraphQL request; past it the answer is a TIMEOUT error"},
	{"READY_TIMEOUT", "2s", "budget of the database ping behind /readyz"},
	{"SHUTDOWN_TIMEOUT", "15s", "how long shutdown waits for in-flight requests to finish"},
	{"MAX_BODY_BYTES", "1MiB", "largest request body (bytes, or with KiB/MiB suffix)"},
	{"CORS_ORIGINS", "", "comma-separated origins allowed to call /graphql from a browser (* for any); empty: no CORS headers"},
	{"GRAPHQL_MAX_ALIASES", "30", "most aliased fields in one operation (alias bombs)"},
	{"GRAPHQL_MAX_STRING_BYTES", "4KiB", "longest string argument, nested inputs included (ingestDocument's bundle, text and file excepted)"},
	{"RATE_LIMIT_RPS", "50", "requests per second each client (by IP) may sustain on /graphql and the mounts; 0 switches the limit off"},
	{"RATE_LIMIT_BURST", "100", "requests a client may send at once before RATE_LIMIT_RPS applies"},
	{"RATE_LIMIT_TRUSTED_PROXIES", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For names the client (empty: the peer address is the client)"},
	{"AUTH_READS", "public", "public: queries need no credential; token: every request needs a valid bearer token or API key"},
	{"AUTH_JWT_HS256_SECRET", "", "shared secret verifying HS256-signed JWTs (at least 32 bytes); never logged"},
	{"AUTH_JWT_RS256_PUBLIC_KEY_FILE", "", "PEM file of the RSA public key verifying RS256-signed JWTs"},
	{"AUTH_JWT_ISSUER", "", "required iss claim of JWTs (empty: not checked)"},
	{"AUTH_JWT_AUDIENCE", "", "required aud claim of JWTs (empty: not checked)"},
	{"AUTH_JWT_ROLE_CLAIM", "role", "claim holding the role (reader, editor or admin; a string or a list)"},
	{"AUTH_API_KEYS", "", "static API keys, comma-separated [NAME@]sha256:HEX[=ROLE] or [NAME@]KEY[=ROLE] (role default editor); sent as Authorization: Bearer KEY or X-API-Key"},
	{"MAX_RESPONSE_BYTES", "8MiB", "largest GraphQL answer; a larger one is replaced by a RESPONSE_TOO_LARGE error"},
	{"INGEST_MAX_BYTES", "512KiB", "largest bundle plus text one ingestDocument mutation may upload (MAX_BODY_BYTES must allow it)"},
}

// DefaultConfig returns the configuration with every default of Env.
func DefaultConfig() Config {
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		panic("server: defaults do not parse: " + err.Error())
	}
	return cfg
}

// ConfigFromEnv reads the configuration through getenv (os.Getenv in production), using
// the default of Env for every unset or empty variable. The error names every variable
// that does not parse or is out of range.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, e := range Env {
			if e.Name == name {
				return e.Default
			}
		}
		panic("server: undeclared environment variable " + name)
	}
	var errs []error
	intVar := func(name string, lo, hi int) int {
		v, err := strconv.Atoi(get(name))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: not an integer", name, get(name)))
			return 0
		}
		if v < lo || v > hi {
			errs = append(errs, fmt.Errorf("%s=%d: must be %d..%d", name, v, lo, hi))
		}
		return v
	}
	boolVar := func(name string) bool {
		v, err := strconv.ParseBool(get(name))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: not a boolean (true or false)", name, get(name)))
		}
		return v
	}
	durVar := func(name string, lo, hi time.Duration) time.Duration {
		v, err := time.ParseDuration(get(name))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: not a duration (e.g. 10s, 500ms)", name, get(name)))
			return 0
		}
		if v < lo || v > hi {
			errs = append(errs, fmt.Errorf("%s=%s: must be %s..%s", name, v, lo, hi))
		}
		return v
	}
	cfg := Config{
		Addr:          get("HTTP_ADDR"),
		Introspection: boolVar("GRAPHQL_INTROSPECTION"),
		GraphiQL:      boolVar("GRAPHIQL"),
		MaxComplexity: intVar("GRAPHQL_MAX_COMPLEXITY", 1, 1<<30),
		Limits: graph.Limits{
			MaxDepth:             intVar("GRAPHQL_MAX_DEPTH", 1, 100),
			MaxFirst:             intVar("GRAPHQL_MAX_FIRST", 1, graph.StoreLimits.MaxFirst),
			MaxLimit:             intVar("GRAPHQL_MAX_LIMIT", 1, graph.StoreLimits.MaxLimit),
			MaxHops:              intVar("GRAPHQL_MAX_HOPS", 1, graph.StoreLimits.MaxHops),
			MaxLineageDepth:      intVar("GRAPHQL_MAX_LINEAGE_DEPTH", 1, graph.StoreLimits.MaxLineageDepth),
			MaxNeighborhoodDepth: intVar("GRAPHQL_MAX_NEIGHBORHOOD_DEPTH", 1, graph.StoreLimits.MaxNeighborhoodDepth),
			MaxAliases:           intVar("GRAPHQL_MAX_ALIASES", 1, 10000),
		},
		APQCacheSize:   intVar("GRAPHQL_APQ_CACHE_SIZE", 1, 1<<20),
		QueryCacheSize: intVar("GRAPHQL_QUERY_CACHE_SIZE", 1, 1<<20),
		LoaderWait:     durVar("GRAPHQL_LOADER_WAIT", 100*time.Microsecond, time.Second),
		DirectViews:    boolVar("GRAPHQL_DIRECT_VIEWS"),
		RequestTimeout: durVar("REQUEST_TIMEOUT", 10*time.Millisecond, 10*time.Minute),
		ReadyTimeout:   durVar("READY_TIMEOUT", 10*time.Millisecond, time.Minute),
		ShutdownGrace:  durVar("SHUTDOWN_TIMEOUT", 0, 10*time.Minute),
	}
	if n, err := ParseBytes(get("MAX_BODY_BYTES")); err != nil {
		errs = append(errs, fmt.Errorf("MAX_BODY_BYTES=%q: %v", get("MAX_BODY_BYTES"), err))
	} else if n < 1024 {
		errs = append(errs, fmt.Errorf("MAX_BODY_BYTES=%d: must be at least 1KiB", n))
	} else {
		cfg.MaxBodyBytes = n
	}
	bytesVar := func(name string, lo, hi int64) int64 {
		n, err := ParseBytes(get(name))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %v", name, get(name), err))
			return 0
		}
		if n < lo || n > hi {
			errs = append(errs, fmt.Errorf("%s=%d: must be %d..%d bytes", name, n, lo, hi))
		}
		return n
	}
	cfg.Limits.MaxStringBytes = int(bytesVar("GRAPHQL_MAX_STRING_BYTES", 64, 1<<20))
	cfg.IngestMaxBytes = bytesVar("INGEST_MAX_BYTES", 1024, 64<<20)
	cfg.MaxResponseBytes = bytesVar("MAX_RESPONSE_BYTES", 1024, 1<<30)
	if rps, err := strconv.ParseFloat(get("RATE_LIMIT_RPS"), 64); err != nil || rps < 0 || rps > 1e6 {
		errs = append(errs, fmt.Errorf("RATE_LIMIT_RPS=%q: want a number of requests per second, 0..1000000 (0 = off)", get("RATE_LIMIT_RPS")))
	} else {
		cfg.RateLimitRPS = rps
	}
	cfg.RateLimitBurst = intVar("RATE_LIMIT_BURST", 1, 1<<20)
	for _, p := range strings.Split(getenv("RATE_LIMIT_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			if a, err := netip.ParseAddr(p); err == nil {
				p = netip.PrefixFrom(a, a.BitLen()).String()
			}
		}
		pre, err := netip.ParsePrefix(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("RATE_LIMIT_TRUSTED_PROXIES: %q is not an address or CIDR", p))
			continue
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, pre.Masked())
	}
	switch get("AUTH_READS") {
	case "public":
	case "token":
		cfg.ReadsNeedToken = true
	default:
		errs = append(errs, fmt.Errorf("AUTH_READS=%q: want public or token", get("AUTH_READS")))
	}
	if sec := getenv("AUTH_JWT_HS256_SECRET"); sec != "" {
		if len(sec) < 32 {
			errs = append(errs, errors.New("AUTH_JWT_HS256_SECRET: must be at least 32 bytes"))
		}
		cfg.Auth.HS256Secret = []byte(sec)
	}
	if f := strings.TrimSpace(getenv("AUTH_JWT_RS256_PUBLIC_KEY_FILE")); f != "" {
		k, err := auth.LoadRS256PublicKey(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("AUTH_JWT_RS256_PUBLIC_KEY_FILE: %w", err))
		}
		cfg.Auth.RS256PublicKey = k
	}
	cfg.Auth.Issuer = strings.TrimSpace(getenv("AUTH_JWT_ISSUER"))
	cfg.Auth.Audience = strings.TrimSpace(getenv("AUTH_JWT_AUDIENCE"))
	cfg.Auth.RoleClaim = get("AUTH_JWT_ROLE_CLAIM")
	if keys, err := auth.ParseAPIKeys(getenv("AUTH_API_KEYS")); err != nil {
		errs = append(errs, fmt.Errorf("AUTH_API_KEYS: %w", err))
	} else {
		cfg.Auth.APIKeys = keys
	}
	if cfg.ReadsNeedToken && !cfg.Auth.Enabled() {
		errs = append(errs, errors.New("AUTH_READS=token but no credential is configured (set AUTH_JWT_HS256_SECRET, AUTH_JWT_RS256_PUBLIC_KEY_FILE or AUTH_API_KEYS)"))
	}
	if _, port, ok := strings.Cut(cfg.Addr, ":"); !ok || port == "" {
		errs = append(errs, fmt.Errorf("HTTP_ADDR=%q: want host:port, e.g. 127.0.0.1:8080", cfg.Addr))
	}
	for _, o := range strings.Split(getenv("CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			if o != "*" && !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
				errs = append(errs, fmt.Errorf("CORS_ORIGINS: %q is not * or an http(s) origin", o))
			}
			cfg.CORSOrigins = append(cfg.CORSOrigins, strings.TrimRight(o, "/"))
		}
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("server configuration: %w", errors.Join(errs...))
	}
	return cfg, nil
}

// ParseBytes reads a byte count: a plain integer or one with a KiB, MiB or GiB suffix
// (KB, MB, GB and K, M, G are read as the binary units too).
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
	} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New("not a byte count (e.g. 1048576, 512KiB, 1MiB)")
	}
	if n > (1<<62)/mult {
		return 0, errors.New("too large")
	}
	return n * mult, nil
}

// withDefaults fills zero fields with the defaults of Env, so that a literal Config in a
// test needs only the fields it cares about.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Addr == "" {
		c.Addr = d.Addr
	}
	if c.MaxComplexity == 0 {
		c.MaxComplexity = d.MaxComplexity
	}
	if c.Limits == (graph.Limits{}) {
		c.Limits = d.Limits
	}
	if c.APQCacheSize == 0 {
		c.APQCacheSize = d.APQCacheSize
	}
	if c.QueryCacheSize == 0 {
		c.QueryCacheSize = d.QueryCacheSize
	}
	if c.LoaderWait == 0 {
		c.LoaderWait = loader.DefaultWait
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = d.RequestTimeout
	}
	if c.ReadyTimeout == 0 {
		c.ReadyTimeout = d.ReadyTimeout
	}
	if c.ShutdownGrace == 0 {
		c.ShutdownGrace = d.ShutdownGrace
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	if c.Limits.MaxAliases == 0 {
		c.Limits.MaxAliases = d.Limits.MaxAliases
	}
	if c.Limits.MaxStringBytes == 0 {
		c.Limits.MaxStringBytes = d.Limits.MaxStringBytes
	}
	if c.RateLimitRPS > 0 && c.RateLimitBurst == 0 {
		c.RateLimitBurst = d.RateLimitBurst
	}
	if c.IngestMaxBytes == 0 {
		c.IngestMaxBytes = d.IngestMaxBytes
	}
	if c.MaxResponseBytes == 0 {
		c.MaxResponseBytes = d.MaxResponseBytes
	}
	return c
}

// LogValue renders the configuration for the one start-up log line. Secrets (the JWT secret,
// API keys) are never rendered: only whether each method is on.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.Bool("introspection", c.Introspection),
		slog.Bool("directViews", c.DirectViews),
		slog.Bool("graphiql", c.GraphiQL),
		slog.Int("maxComplexity", c.MaxComplexity),
		slog.Int("maxDepth", c.Limits.MaxDepth),
		slog.Int("maxFirst", c.Limits.MaxFirst),
		slog.Int("maxLimit", c.Limits.MaxLimit),
		slog.Int("maxHops", c.Limits.MaxHops),
		slog.Int("maxLineageDepth", c.Limits.MaxLineageDepth),
		slog.Int("maxNeighborhoodDepth", c.Limits.MaxNeighborhoodDepth),
		slog.Int("apqCacheSize", c.APQCacheSize),
		slog.Int("queryCacheSize", c.QueryCacheSize),
		slog.Duration("loaderWait", c.LoaderWait),
		slog.Duration("requestTimeout", c.RequestTimeout),
		slog.Duration("readyTimeout", c.ReadyTimeout),
		slog.Duration("shutdownTimeout", c.ShutdownGrace),
		slog.Int64("maxBodyBytes", c.MaxBodyBytes),
		slog.String("corsOrigins", strings.Join(c.CORSOrigins, ",")),
		slog.Int("maxAliases", c.Limits.MaxAliases),
		slog.Int("maxStringBytes", c.Limits.MaxStringBytes),
		slog.Float64("rateLimitRPS", c.RateLimitRPS),
		slog.Int("rateLimitBurst", c.RateLimitBurst),
		slog.Int("trustedProxies", len(c.TrustedProxies)),
		slog.Bool("readsNeedToken", c.ReadsNeedToken),
		slog.Any("auth", c.Auth),
		slog.Int64("ingestMaxBytes", c.IngestMaxBytes),
		slog.Int64("maxResponseBytes", c.MaxResponseBytes),
	)
}
