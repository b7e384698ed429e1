package neo4jlocal

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// requireJavaAndMaven skips the test when java or mvn is missing, except in CI (CI set), where
// the toolchain is part of the contract and a missing tool fails the test.
func requireJavaAndMaven(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a JVM; skipped with -short")
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

func spareOptions(t *testing.T) Options {
	t.Helper()
	port := freeTestPort(t)
	o := Options{
		DataDir:     t.TempDir(),
		BoltPort:    port,
		Password:    "integration-pw",
		HeapMB:      512,
		PageCacheMB: 64,
		Logger:      slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
	o, err := o.WithDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestLauncherLifecycle really builds and starts the launcher on a spare port with a temporary
// data directory: Status, reuse by EnsureRunning, the clear errors for a second start and for a
// taken port, Stop, and a detached start stopped through the pid file.
func TestLauncherLifecycle(t *testing.T) {
	requireJavaAndMaven(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	o := spareOptions(t)
	l := layoutOf(o)

	p, err := Start(ctx, o, false)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = p.Stop(context.Background()) })

	st, err := Status(o)
	if err != nil {
		t.Fatal(err)
	}
	want := State{Running: true, PID: p.PID(), BoltURI: o.BoltURI(), DataDir: o.DataDir, token: p.token}
	if st != want {
		t.Fatalf("Status = %+v, want %+v", st, want)
	}
	if b, err := os.ReadFile(l.pidFile); err != nil || string(b) != strconv.Itoa(p.PID())+"\n"+p.token+"\n" {
		t.Errorf("pid file = %q, %v; want %d and its start token", b, err, p.PID())
	}
	logBody, err := os.ReadFile(l.logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logBody), "NEO4J-LOCAL READY "+o.BoltURI()) {
		t.Errorf("launcher.log lacks the READY line:\n%s", logBody)
	}
	if strings.Contains(string(logBody), o.Password) {
		t.Error("launcher.log contains the password")
	}

	again, err := EnsureRunning(ctx, o)
	if err != nil || again.PID != p.PID() {
		t.Errorf("EnsureRunning on a running instance = %+v, %v; want reuse of pid %d", again, err, p.PID())
	}

	if _, err := Start(ctx, o, false); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("second Start on the same data dir = %v, want ErrAlreadyRunning", err)
	}

	other := o
	other.DataDir = t.TempDir()
	_, err = Start(ctx, other, false)
	if !errors.Is(err, ErrPortInUse) {
		t.Fatalf("Start on a taken port = %v, want ErrPortInUse", err)
	}
	for _, s := range []string{"bolt port " + strconv.Itoa(o.BoltPort) + " on 127.0.0.1 is already in use",
		"pid " + strconv.Itoa(p.PID()), "neo4j-local launcher"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("port error %q does not contain %q", err, s)
		}
	}

	if err := p.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := p.Wait(); err != nil {
		t.Errorf("Wait after Stop: %v", err)
	}
	if st, err := Status(o); err != nil || st.Running || st.PID != 0 {
		t.Errorf("Status after Stop = %+v, %v; want stopped", st, err)
	}
	for _, f := range []string{l.pidFile, l.readyFile} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left after Stop (%v)", f, err)
		}
	}
	if portAnswers(o.BoltPort) {
		t.Error("bolt port still answers after Stop")
	}

	// Restart on the same store, detached, as `make test` does; stop it through the pid file.
	st, err = EnsureRunning(ctx, o)
	if err != nil {
		t.Fatalf("EnsureRunning after Stop: %v", err)
	}
	t.Cleanup(func() { _ = StopRunning(context.Background(), o) })
	if !st.Running || st.PID == 0 || st.PID == p.PID() {
		t.Errorf("EnsureRunning = %+v, want a new running instance", st)
	}
	if err := StopRunning(ctx, o); err != nil {
		t.Fatalf("StopRunning: %v", err)
	}
	if st, err := Status(o); err != nil || st.PID != 0 {
		t.Errorf("Status after StopRunning = %+v, %v; want stopped", st, err)
	}
}
