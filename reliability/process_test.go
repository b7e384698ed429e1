package reliability

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/policygraph/policygraph/storetest"
)

// localEnv is the environment of a `make run` with its own launcher: the test's own data
// directory, Bolt and HTTP ports, no NEO4J_URI, nothing to ingest.
func localEnv(dataDir string, bolt, httpPort int) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEO4J_") && !strings.HasPrefix(kv, "HTTP_ADDR=") && !strings.HasPrefix(kv, "POLICYGRAPH_") {
			env = append(env, kv)
		}
	}
	return append(env, "NEO4J_DATA_DIR="+dataDir, fmt.Sprintf("NEO4J_BOLT_PORT=%d", bolt), "NEO4J_PASSWORD="+password,
		"NEO4J_HEAP_MB=768", "NEO4J_PAGECACHE_MB=128", fmt.Sprintf("HTTP_ADDR=127.0.0.1:%d", httpPort),
		"POLICYGRAPH_DATA="+filepath.Join(dataDir, "no-bundles"), "RATE_LIMIT_RPS=0")
}

// syncBuffer is a bytes.Buffer that a process writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProcessTreeNeverOrphaned is the reproduction of issue 17's fourth item, then Ctrl-C:
// `make run`; SIGKILL its launcher; `policygraph neo4j start --detach`; Ctrl-C (SIGINT to
// make's process group, as a terminal sends it). The launcher that died is started again by
// `run`, the detached start waits for that one instead of starting a second, `neo4j status`
// names it and its supervisor, `neo4j stop` is refused while `run` owns it, and after Ctrl-C
// nothing of the tree runs, the pid and ready files are gone, the port is free, `neo4j status`
// says so, and `neo4j start` succeeds.
func TestProcessTreeNeverOrphaned(t *testing.T) {
	needLauncher(t)
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not on PATH")
	}
	repo := storetest.RepoRoot(t)
	bin := binary(t)
	dataDir := filepath.Join(t.TempDir(), "neo4j")
	bolt, httpPort := freePort(t), freePort(t)
	env := localEnv(dataDir, bolt, httpPort)
	base := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	pidFile := filepath.Join(dataDir, "launcher.pid")

	policygraph := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Dir = env, repo
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	launcherPID := func() int {
		b, err := os.ReadFile(pidFile)
		if err != nil {
			return 0
		}
		first, _, _ := strings.Cut(string(b), "\n")
		pid, _ := strconv.Atoi(first)
		return pid
	}
	gone := func(pid int) bool {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return true
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		return err != nil || bytes.Contains(stat, []byte(") Z "))
	}

	logs := &syncBuffer{}
	mk := exec.Command("make", "-s", "run")
	mk.Dir, mk.Env = repo, env
	mk.Stdout, mk.Stderr = logs, logs
	mk.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a terminal's foreground group
	if err := mk.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := mk.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- mk.Wait() }()
	defer func() { // whatever happens, leave nothing behind
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		if pid := launcherPID(); pid != 0 {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
	}()
	c := &http.Client{Timeout: 10 * time.Second}
	waitReady := func(what string) {
		t.Helper()
		for deadline := time.Now().Add(6 * time.Minute); readyz(c, base) != 200; time.Sleep(250 * time.Millisecond) {
			select {
			case err := <-exited:
				t.Fatalf("make run exited (%v) while waiting for %s:\n%s", err, what, logs.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: /readyz not 200:\n%s", what, logs.String())
			}
		}
	}
	begin := time.Now()
	waitReady("make run")
	first := launcherPID()
	t.Logf("make run ready after %s; launcher pid %d", time.Since(begin).Round(time.Millisecond), first)
	if first == 0 {
		t.Fatalf("no launcher pid file:\n%s", logs.String())
	}

	// SIGKILL the launcher (its own process group: the JVM alone).
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	begin = time.Now()
	out, err := policygraph("neo4j", "start", "--detach")
	if err != nil {
		t.Fatalf("neo4j start --detach after the kill: %v\n%s\nmake run:\n%s", err, out, logs.String())
	}
	m := regexp.MustCompile(`\(pid (\d+),`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("neo4j start --detach names no pid: %s", out)
	}
	second, _ := strconv.Atoi(m[1])
	t.Logf("neo4j start --detach after %s: %s", time.Since(begin).Round(time.Millisecond), strings.TrimSpace(lastLine(out)))
	if second == first || second != launcherPID() || gone(second) {
		t.Fatalf("detached start reports pid %d; killed %d, pid file %d", second, first, launcherPID())
	}
	// run logs the restart once its own start sees the launcher ready (it polls).
	for deadline := time.Now().Add(time.Minute); !strings.Contains(logs.String(), "neo4j-local restarted"); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("run did not restart its launcher itself:\n%s", logs.String())
		}
	}
	out, err = policygraph("neo4j", "status")
	if err != nil || !strings.Contains(out, fmt.Sprintf("neo4j running: bolt://127.0.0.1:%d (pid %d", bolt, second)) || !strings.Contains(out, "run by policygraph pid") {
		t.Errorf("neo4j status with run supervising: %v\n%s", err, out)
	}
	t.Logf("neo4j status: %s", strings.TrimSpace(lastLine(out)))
	out, err = policygraph("neo4j", "stop")
	if err == nil || !strings.Contains(out, "stop that process") || gone(second) {
		t.Errorf("neo4j stop while run supervises: %v\n%s (launcher gone: %t)", err, out, gone(second))
	}
	waitReady("the API on the restarted launcher")

	// Ctrl-C.
	if err := syscall.Kill(-pgid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	begin = time.Now()
	select {
	case <-exited:
	case <-time.After(2 * time.Minute):
		t.Fatalf("make run still running 2 min after Ctrl-C:\n%s", logs.String())
	}
	t.Logf("make run exited %s after Ctrl-C", time.Since(begin).Round(time.Millisecond))
	if err := syscall.Kill(-pgid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("a process of make's group survived Ctrl-C: %v", err)
	}
	for _, pid := range []int{first, second} {
		if !gone(pid) {
			t.Errorf("launcher pid %d survived Ctrl-C", pid)
		}
	}
	for _, f := range []string{"launcher.pid", "ready", "supervisor.lock"} {
		if _, err := os.Stat(filepath.Join(dataDir, f)); f != "supervisor.lock" && !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind (%v)", f, err)
		}
	}
	if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", bolt)); err != nil {
		t.Errorf("bolt port still taken: %v", err)
	} else {
		ln.Close()
	}
	out, err = policygraph("neo4j", "status")
	if err == nil || !strings.Contains(out, "neo4j not running") {
		t.Errorf("neo4j status after Ctrl-C: %v\n%s", err, out)
	}
	out, err = policygraph("neo4j", "start", "--detach")
	if err != nil {
		t.Fatalf("neo4j start --detach after Ctrl-C: %v\n%s", err, out)
	}
	out, err = policygraph("neo4j", "stop")
	if err != nil {
		t.Errorf("neo4j stop: %v\n%s", err, out)
	}
}
