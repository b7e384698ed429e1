// Command pgapi serves policygraph's GraphQL API for the benchmark: the same wiring as
// `policygraph serve` (store.Open, server.New, Run), configured from the environment
// (NEO4J_URI, NEO4J_PASSWORD, HTTP_ADDR, GRAPHQL_*; see server.Env), without migrations or
// the local launcher. With PPROF_ADDR (loopback) it also serves net/http/pprof there. It exists so the benchmark can measure the API in its own process
// (RSS) whatever state cmd/policygraph is in.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/policygraph/policygraph/server"
	"github.com/policygraph/policygraph/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgapi:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	level := slog.LevelWarn
	if os.Getenv("LOG_LEVEL") == "info" {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	cfg, err := server.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	user := os.Getenv("NEO4J_USER")
	if user == "" {
		user = "neo4j"
	}
	walks, _ := strconv.Atoi(os.Getenv("STORE_MAX_WALKS")) // 0: the store's default
	st, err := store.Open(ctx, store.Config{URI: os.Getenv("NEO4J_URI"), User: user, Password: os.Getenv("NEO4J_PASSWORD"), MaxWalks: walks}, log)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	if addr := os.Getenv("PPROF_ADDR"); addr != "" {
		// Profiling for the benchmark only, on loopback: go tool pprof http://ADDR/debug/pprof/profile
		go func() { log.Warn("pprof", "err", http.ListenAndServe(addr, nil)) }()
	}
	server.TuneRuntime(os.Getenv, log)
	return server.New(cfg, server.Deps{Store: st, Log: log}).Run(ctx)
}
