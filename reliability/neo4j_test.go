package reliability

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/policygraph/policygraph/neo4jlocal"
	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// password of the tests' own Neo4j.
const password = "reliability-test-pw"

// instance is the package's own Neo4j: one launcher, started on first use, killed and
// restarted by the tests, stopped by TestMain.
type instance struct {
	mu   sync.Mutex
	opts neo4jlocal.Options
	proc *neo4jlocal.Process
	life context.Context
	end  context.CancelFunc
	dir  string
}

var (
	own     instance
	ownOnce sync.Once
	ownErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	own.mu.Lock()
	if own.proc != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_ = own.proc.Stop(ctx)
		cancel()
	}
	if own.end != nil {
		own.end()
	}
	if own.dir != "" {
		os.RemoveAll(own.dir)
	}
	own.mu.Unlock()
	os.Exit(code)
}

// needLauncher skips without Java or Maven, except in CI (CI set), where they are required.
func needLauncher(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts its own Neo4j; skipped with -short")
	}
	for _, tool := range []string{"java", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s not on PATH in CI: %v", tool, err)
			}
			t.Skipf("%s not on PATH: %v", tool, err)
		}
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// neo4j returns the package's Neo4j, running.
func neo4j(t *testing.T) *instance {
	t.Helper()
	needLauncher(t)
	ownOnce.Do(func() {
		dir, err := os.MkdirTemp("", "policygraph-reliability-*")
		if err != nil {
			ownErr = err
			return
		}
		own.dir = dir
		own.opts = neo4jlocal.Options{
			RepoDir: storetest.RepoRoot(t), DataDir: filepath.Join(dir, "neo4j"), BoltPort: freePort(t),
			Password: password, HeapMB: 768, PageCacheMB: 128, StartTimeout: 4 * time.Minute,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		}
		own.life, own.end = context.WithCancel(context.Background())
	})
	if ownErr != nil {
		t.Fatal(ownErr)
	}
	own.mu.Lock()
	running := own.proc != nil
	own.mu.Unlock()
	if !running {
		own.start(t)
	}
	return &own
}

// start starts the launcher (after a stop or a kill) and waits until it is ready.
func (d *instance) start(t *testing.T) time.Duration {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	begin := time.Now()
	p, err := neo4jlocal.Start(d.life, d.opts, false)
	if err != nil {
		t.Fatalf("starting the test's Neo4j: %v", err)
	}
	d.proc = p
	t.Logf("Neo4j ready on %s after %s", d.opts.BoltURI(), time.Since(begin).Round(time.Millisecond))
	return time.Since(begin)
}

// kill sends SIGKILL to the launcher's process group: no shutdown, no checkpoint.
func (d *instance) kill(t *testing.T) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := syscall.Kill(-d.proc.PID(), syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL Neo4j: %v", err)
	}
	<-d.proc.Done()
	d.proc = nil
}

// stop shuts the launcher down cleanly.
func (d *instance) stop(t *testing.T) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := d.proc.Stop(ctx); err != nil {
		t.Fatalf("stopping Neo4j: %v", err)
	}
	d.proc = nil
}

func (d *instance) uri() string { return d.opts.BoltURI() }

// open connects a store (closed at the end of the test) and applies the schema.
func (d *instance) open(t *testing.T) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := store.Open(ctx, store.Config{URI: d.uri(), Password: password}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// binary builds cmd/policygraph once per test run.
var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binPath = filepath.Join(own.dir, "policygraph")
		if own.dir == "" {
			binPath = filepath.Join(os.TempDir(), fmt.Sprintf("policygraph-reliability-%d", os.Getpid()))
		}
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/policygraph")
		cmd.Dir = storetest.RepoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}
