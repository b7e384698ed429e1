// Package config reads policygraph's process configuration from the environment, applies
// the documented defaults, and renders it for the start-up log with secrets masked.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultPassword is the Neo4j password used for the local development database when
// NEO4J_PASSWORD is unset. For local use only.
const DefaultPassword = "policygraph-dev"

// Config is the process configuration shared by every subcommand.
type Config struct {
	// Neo4jURI is the database to use. Empty means: start (or reuse) the local launcher.
	Neo4jURI      string
	Neo4jUser     string
	Neo4jPassword string
	Neo4jDatabase string
	// MaxWalks bounds the support walks running at once (STORE_MAX_WALKS, default 4).
	MaxWalks int
	// MaxWalksPerClient bounds the walks one client (token subject or address) runs at once
	// (STORE_MAX_WALKS_PER_CLIENT, default 0: half of MaxWalks, at least 1).
	MaxWalksPerClient int

	// Local launcher (used only when Neo4jURI is empty).
	LocalBoltPort    int
	LocalDataDir     string
	LocalHeapMB      int
	LocalPageCacheMB int

	// Home is POLICYGRAPH_HOME: the folder holding neo4j-local/. Empty: the local launcher
	// looks upwards from the working directory, then from the binary.
	Home string
	// DataPaths are the bundles ingested by `run` (POLICYGRAPH_DATA, default "data").
	DataPaths []string

	LogFormat string // text | json
	LogLevel  slog.Level
}

// FromEnv reads the configuration; getenv is os.Getenv in production.
func FromEnv(getenv func(string) string) (Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	home := get("POLICYGRAPH_HOME", "")
	c := Config{
		Neo4jURI:      get("NEO4J_URI", ""),
		Neo4jUser:     get("NEO4J_USER", "neo4j"),
		Neo4jPassword: get("NEO4J_PASSWORD", DefaultPassword),
		Neo4jDatabase: get("NEO4J_DATABASE", "neo4j"),
		Home:          home,
		LogFormat:     get("LOG_FORMAT", "text"),
	}
	var err error
	if c.LocalBoltPort, err = atoi(get("NEO4J_BOLT_PORT", "7687"), "NEO4J_BOLT_PORT", 1, 65535); err != nil {
		return Config{}, err
	}
	if c.MaxWalks, err = atoi(get("STORE_MAX_WALKS", "4"), "STORE_MAX_WALKS", 1, 1024); err != nil {
		return Config{}, err
	}
	if c.MaxWalksPerClient, err = atoi(get("STORE_MAX_WALKS_PER_CLIENT", "0"), "STORE_MAX_WALKS_PER_CLIENT", 0, c.MaxWalks); err != nil {
		return Config{}, err
	}
	if c.LocalHeapMB, err = atoi(get("NEO4J_HEAP_MB", "1024"), "NEO4J_HEAP_MB", 256, 1<<20); err != nil {
		return Config{}, err
	}
	if c.LocalPageCacheMB, err = atoi(get("NEO4J_PAGECACHE_MB", "512"), "NEO4J_PAGECACHE_MB", 64, 1<<20); err != nil {
		return Config{}, err
	}
	// Empty: the launcher's default, <repository>/.data/neo4j.
	c.LocalDataDir = get("NEO4J_DATA_DIR", "")
	for _, p := range strings.Split(get("POLICYGRAPH_DATA", filepath.Join(home, "data")), string(os.PathListSeparator)) {
		if p != "" {
			c.DataPaths = append(c.DataPaths, p)
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return Config{}, fmt.Errorf("LOG_FORMAT=%q: want text or json", c.LogFormat)
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL", "info"))); err != nil {
		return Config{}, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	return c, nil
}

func atoi(s, name string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s=%q: want an integer in %d..%d", name, s, lo, hi)
	}
	return n, nil
}

// LogValue renders the configuration for the start-up log, password masked.
func (c Config) LogValue() slog.Value {
	uri := c.Neo4jURI
	if uri == "" {
		uri = fmt.Sprintf("(local launcher on 127.0.0.1:%d)", c.LocalBoltPort)
	}
	return slog.GroupValue(
		slog.String("neo4jURI", uri),
		slog.String("neo4jUser", c.Neo4jUser),
		slog.String("neo4jPassword", Mask(c.Neo4jPassword)),
		slog.String("neo4jDatabase", c.Neo4jDatabase),
		slog.String("home", c.Home),
		slog.Any("data", c.DataPaths),
		slog.Int("localHeapMB", c.LocalHeapMB),
		slog.Int("localPageCacheMB", c.LocalPageCacheMB),
		slog.String("logFormat", c.LogFormat),
		slog.String("logLevel", c.LogLevel.String()),
	)
}

// Mask hides a secret for logs, keeping only whether it is set.
func Mask(secret string) string {
	if secret == "" {
		return "(unset)"
	}
	return "********"
}

// NewLogger builds the process logger from the configuration.
func (c Config) NewLogger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
