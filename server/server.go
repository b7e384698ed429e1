// Package server is policygraph's HTTP server: the GraphQL API at /graphql (gqlgen with
// explicit transports, limits, caches and error codes), GraphiQL at / and /graphiql, the
// probes /healthz and /readyz, and Prometheus metrics at /metrics. In front of the API:
// bearer credentials (auth.go: JWTs and API keys, an operation gate giving 401/403), a
// per-client token-bucket rate limit (ratelimit.go), CORS, and the status adjustments of the
// GraphQL-over-HTTP specification (transport.go). gin is only the router; everything below
// it is plain net/http. Run serves until its context ends, then drains in-flight requests.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/policygraph/policygraph/auth"
	"github.com/policygraph/policygraph/graph"
	"github.com/policygraph/policygraph/store"
)

// Store is what the server needs from the graph store; *store.Store satisfies it.
type Store interface {
	graph.Store
	// Ping answers when the database does; /readyz calls it.
	Ping(ctx context.Context) error
}

var _ Store = (*store.Store)(nil)

// Deps are the server's collaborators.
type Deps struct {
	Store Store        // required
	Log   *slog.Logger // nil: slog.Default()
	// Gatherer is what /metrics serves; nil: prometheus.DefaultGatherer (which holds the
	// store's, the server's and the Go runtime's metrics).
	Gatherer prometheus.Gatherer
	// Mounts are extra handlers served under a path prefix, e.g. "/explore" and "/export";
	// GET and HEAD only. A prefix "/x" serves "/x" and everything under "/x/". With
	// AUTH_READS=token they need a credential like /graphql.
	Mounts map[string]http.Handler
	// Curator performs the curation mutations and the staff reads (audit trail); nil: the
	// mutations answer UNAVAILABLE. *store.Store satisfies graph.Curator; cmd wires it
	// through graph.NewCuration.
	Curator graph.Curator
}

// Server serves policygraph over HTTP. It is an http.Handler (tests use it with httptest)
// and can listen by itself with Run.
type Server struct {
	cfg     Config
	log     *slog.Logger
	handler http.Handler
}

// New builds the server's routes. Zero fields of cfg take their defaults; deps.Store must
// not be nil.
func New(cfg Config, deps Deps) *Server {
	if deps.Store == nil {
		panic("server.New: nil Store")
	}
	cfg = cfg.withDefaults()
	log := deps.Log
	if log == nil {
		log = slog.Default()
	}
	gatherer := deps.Gatherer
	if gatherer == nil {
		gatherer = prometheus.DefaultGatherer
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	route := func(name string, h http.Handler) gin.HandlerFunc { return gin.WrapH(instrument(name, h)) }

	verifier := auth.NewVerifier(cfg.Auth)
	gqlHandler := graphqlRequest(cfg, newGraphQL(cfg, deps, log))
	gql := route("/graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refuseGetMutation(w, r) {
			return
		}
		authenticate(verifier, cfg.ReadsNeedToken, log, gqlHandler).ServeHTTP(w, r)
	}))
	r.POST("/graphql", gql)
	r.GET("/graphql", gql)
	r.OPTIONS("/graphql", gql)
	if cfg.GraphiQL {
		ide := playground.Handler("policygraph", "/graphql")
		r.GET("/", route("/", ide))
		r.GET("/graphiql", route("/graphiql", ide))
	}
	r.GET("/healthz", route("/healthz", http.HandlerFunc(healthz)))
	r.GET("/readyz", route("/readyz", readyz(deps.Store, cfg.ReadyTimeout, log)))
	r.GET("/metrics", route("/metrics", promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{})))
	for prefix, h := range deps.Mounts {
		if cfg.ReadsNeedToken {
			h = authenticate(verifier, true, log, h)
		}
		mh := route(prefix, h)
		for _, p := range []string{prefix, prefix + "/*rest"} {
			r.GET(p, mh)
			r.HEAD(p, mh)
		}
	}
	r.NoRoute(route("unmatched", http.HandlerFunc(notFound)))
	r.NoMethod(route("unmatched", http.HandlerFunc(methodNotAllowed)))

	var limiter *rateLimiter
	if cfg.RateLimitRPS > 0 {
		limiter = newRateLimiter(cfg.RateLimitRPS, cfg.RateLimitBurst, cfg.TrustedProxies)
	}
	return &Server{cfg: cfg, log: log, handler: logRequests(log, cors(cfg.CORSOrigins, rateLimit(limiter, r)))}
}

// Config returns the configuration in force, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Run listens on the configured address and serves until ctx ends; then it stops accepting
// connections and waits up to SHUTDOWN_TIMEOUT for in-flight requests to finish. It returns
// nil after a clean shutdown.
func (s *Server) Run(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("listen on %s: the address is already in use (another policygraph? set HTTP_ADDR): %w", s.cfg.Addr, err)
		}
		return fmt.Errorf("listen on %s (set HTTP_ADDR): %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then shuts down gracefully as Run does. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       s.cfg.RequestTimeout + 5*time.Second,
		WriteTimeout:      s.cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		// In-flight requests keep their own context: shutdown drains them, it does not
		// cancel them.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.InfoContext(ctx, "serving HTTP", "addr", ln.Addr().String(), "graphql", "http://"+ln.Addr().String()+"/graphql")

	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	s.log.InfoContext(ctx, "shutting down HTTP server", "grace", s.cfg.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
		return fmt.Errorf("http server shutdown: in-flight requests did not finish within %s: %w", s.cfg.ShutdownGrace, err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	s.log.InfoContext(ctx, "HTTP server stopped")
	return nil
}

func notFound(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusNotFound, map[string]any{"error": "not found", "routes": []string{"/graphql", "/graphiql", "/healthz", "/readyz", "/metrics"}})
}

func methodNotAllowed(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "method not allowed"})
}
