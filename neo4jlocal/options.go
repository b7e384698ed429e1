// Package neo4jlocal owns building and supervising the local Neo4j launcher process: a small
// Java program (neo4j-local/ in the repository) that runs Neo4j 5.26 Community in-process with
// only a Bolt connector on 127.0.0.1. It is used by `policygraph run`, `policygraph neo4j
// start|stop|status` and the test setup, so that development and tests need no Neo4j install.
//
// The package never talks Bolt itself and must not import the Neo4j Go driver (only the store
// package does): it checks readiness through the launcher's ready file and a TCP dial.
//
// Files under Options.DataDir: launcher.log (the JVM's stdout and stderr, appended), launcher.pid,
// ready (holds the Bolt URI while Neo4j accepts queries), launcher.lock, data/ (the store) and
// logs/ (Neo4j's debug.log).
package neo4jlocal

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Defaults used when the matching Options field and environment variable are unset.
const (
	DefaultBoltPort     = 7687
	DefaultHeapMB       = 1024
	DefaultPageCacheMB  = 512
	DefaultStartTimeout = 120 * time.Second
	// DefaultPassword is the password of the neo4j user for local development only.
	DefaultPassword = "policygraph-dev"
)

// Environment variables read by Options.WithDefaults.
const (
	EnvHome        = "POLICYGRAPH_HOME"
	EnvDataDir     = "NEO4J_DATA_DIR"
	EnvBoltPort    = "NEO4J_BOLT_PORT"
	EnvPassword    = "NEO4J_PASSWORD"
	EnvHeapMB      = "NEO4J_HEAP_MB"
	EnvPageCacheMB = "NEO4J_PAGECACHE_MB"
)

// launcherClass is the Java main class in neo4j-local/.
const launcherClass = "dev.policygraph.neo4jlocal.Launcher"

// Sentinel errors, wrapped with %w by the functions of this package.
var (
	// ErrToolMissing means java or mvn is not on PATH, or java is older than 17.
	ErrToolMissing = errors.New("required tool missing")
	// ErrPortInUse means the Bolt port is taken by another process.
	ErrPortInUse = errors.New("bolt port in use")
	// ErrLocked means the data directory or store is in use by another process.
	ErrLocked = errors.New("data directory in use")
	// ErrAlreadyRunning means a launcher already runs for the data directory.
	ErrAlreadyRunning = errors.New("neo4j-local already running")
	// ErrStartFailed means the launcher exited or timed out before it was ready.
	ErrStartFailed = errors.New("neo4j-local failed to start")
	// ErrNoRepo means the folder holding neo4j-local/pom.xml could not be found.
	ErrNoRepo = errors.New("policygraph repository not found")
)

// Options configures the local Neo4j. The zero value is usable: WithDefaults fills every unset
// field from the environment or the package defaults. Explicit fields win over the environment.
type Options struct {
	// RepoDir is the folder holding neo4j-local/. Default: $POLICYGRAPH_HOME, else the nearest
	// folder holding neo4j-local/pom.xml upwards from the working directory, else from the
	// executable's folder.
	RepoDir string
	// DataDir holds the store, logs and the launcher's pid/ready files. Default:
	// $NEO4J_DATA_DIR, else <RepoDir>/.data/neo4j.
	DataDir string
	// BoltPort is the port on 127.0.0.1 (default $NEO4J_BOLT_PORT, else 7687).
	BoltPort int
	// Password of the neo4j user (default $NEO4J_PASSWORD, else DefaultPassword). It is passed
	// to the launcher through its environment, never on the command line, and never logged.
	Password string
	// HeapMB is the JVM heap, -Xms and -Xmx (default $NEO4J_HEAP_MB, else 1024).
	HeapMB int
	// PageCacheMB is Neo4j's page cache (default $NEO4J_PAGECACHE_MB, else 512).
	PageCacheMB int
	// StartTimeout bounds the wait for readiness in Start (default 120s).
	StartTimeout time.Duration
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
}

// BoltURI returns the Bolt URI the launcher listens on for these options.
func (o Options) BoltURI() string {
	port := o.BoltPort
	if port == 0 {
		port = DefaultBoltPort
	}
	return fmt.Sprintf("bolt://127.0.0.1:%d", port)
}

// LogValue implements slog.LogValuer; it masks the password.
func (o Options) LogValue() slog.Value {
	pw := ""
	if o.Password != "" {
		pw = "********"
	}
	return slog.GroupValue(
		slog.String("repo_dir", o.RepoDir),
		slog.String("data_dir", o.DataDir),
		slog.Int("bolt_port", o.BoltPort),
		slog.String("password", pw),
		slog.Int("heap_mb", o.HeapMB),
		slog.Int("pagecache_mb", o.PageCacheMB),
	)
}

// WithDefaults returns a copy of o with every unset field filled from the environment or the
// package defaults, and with RepoDir and DataDir made absolute. It fails when RepoDir cannot be
// found or an environment variable holds an invalid number. It is idempotent.
func (o Options) WithDefaults() (Options, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return o, fmt.Errorf("neo4jlocal: working directory: %w", err)
	}
	exe, _ := os.Executable()
	return o.withDefaults(os.Getenv, cwd, exe)
}

func (o Options) withDefaults(getenv func(string) string, cwd, exe string) (Options, error) {
	if o.RepoDir == "" {
		o.RepoDir = getenv(EnvHome)
	}
	if o.RepoDir == "" {
		dir, ok := findRepo(cwd)
		if !ok && exe != "" {
			dir, ok = findRepo(filepath.Dir(exe))
		}
		if !ok {
			return o, fmt.Errorf("neo4jlocal: no neo4j-local/pom.xml above %s: run from the repository or set %s: %w",
				cwd, EnvHome, ErrNoRepo)
		}
		o.RepoDir = dir
	}
	o.RepoDir = absFrom(cwd, o.RepoDir)
	if _, err := os.Stat(filepath.Join(o.RepoDir, "neo4j-local", "pom.xml")); err != nil {
		return o, fmt.Errorf("neo4jlocal: %s has no neo4j-local/pom.xml: %w", o.RepoDir, ErrNoRepo)
	}
	if o.DataDir == "" {
		o.DataDir = getenv(EnvDataDir)
	}
	if o.DataDir == "" {
		o.DataDir = filepath.Join(o.RepoDir, ".data", "neo4j")
	}
	o.DataDir = absFrom(cwd, o.DataDir)
	if o.Password == "" {
		o.Password = getenv(EnvPassword)
	}
	if o.Password == "" {
		o.Password = DefaultPassword
	}
	for _, f := range []struct {
		field *int
		env   string
		def   int
		max   int
	}{
		{&o.BoltPort, EnvBoltPort, DefaultBoltPort, 65535},
		{&o.HeapMB, EnvHeapMB, DefaultHeapMB, 1 << 20},
		{&o.PageCacheMB, EnvPageCacheMB, DefaultPageCacheMB, 1 << 20},
	} {
		if *f.field == 0 {
			if s := getenv(f.env); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n <= 0 || n > f.max {
					return o, fmt.Errorf("neo4jlocal: %s=%q is not a number in 1..%d", f.env, s, f.max)
				}
				*f.field = n
			}
		}
		if *f.field == 0 {
			*f.field = f.def
		}
		if *f.field < 0 || *f.field > f.max {
			return o, fmt.Errorf("neo4jlocal: %s %d is out of range 1..%d", f.env, *f.field, f.max)
		}
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = DefaultStartTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// findRepo walks up from dir to the first folder holding neo4j-local/pom.xml.
func findRepo(dir string) (string, bool) {
	for {
		if _, err := os.Stat(filepath.Join(dir, "neo4j-local", "pom.xml")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func absFrom(cwd, p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	return filepath.Clean(p)
}

// layout names the files the package reads and writes.
type layout struct {
	moduleDir string // <RepoDir>/neo4j-local
	pom       string
	srcDir    string
	targetDir string
	jar       string
	libDir    string
	stamp     string // written after a successful Maven build
	dataDir   string
	readyFile string
	pidFile   string
	logFile   string
	lockFile  string // held by EnsureRunning/Start so two callers do not race
}

func layoutOf(o Options) layout {
	mod := filepath.Join(o.RepoDir, "neo4j-local")
	target := filepath.Join(mod, "target")
	return layout{
		moduleDir: mod,
		pom:       filepath.Join(mod, "pom.xml"),
		srcDir:    filepath.Join(mod, "src"),
		targetDir: target,
		jar:       filepath.Join(target, "neo4j-local.jar"),
		libDir:    filepath.Join(target, "lib"),
		stamp:     filepath.Join(target, ".policygraph-build-stamp"),
		dataDir:   o.DataDir,
		readyFile: filepath.Join(o.DataDir, "ready"),
		pidFile:   filepath.Join(o.DataDir, "launcher.pid"),
		logFile:   filepath.Join(o.DataDir, "launcher.log"),
		lockFile:  filepath.Join(o.DataDir, "start.lock"),
	}
}
