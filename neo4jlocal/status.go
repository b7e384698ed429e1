package neo4jlocal

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// State describes the launcher found for a data directory.
type State struct {
	// Running is true when the launcher process is alive, its ready file exists and its Bolt
	// port accepts connections.
	Running bool
	// PID is the live launcher's process id, or 0 when none runs (a stale pid file is ignored).
	// PID != 0 with Running false means it is starting, or stopping, or unhealthy.
	PID int
	// BoltURI is the URI from the ready file, or the one the options ask for.
	BoltURI string
	// DataDir is the data directory that was inspected.
	DataDir string
	// Orphan is true when PID was found through the Bolt port, not through the pid file (a
	// launcher whose pid file was lost).
	Orphan bool
	// SupervisorPID is the policygraph process that runs this launcher in the foreground and
	// restarts it when it dies (`policygraph run`), or 0.
	SupervisorPID int

	token string // the start token of the pid file
}

// Status reads <DataDir>/launcher.pid, checks that the process is alive and is a launcher for
// this data directory (so a pid reused by another program counts as stale), and that the ready
// file exists and the Bolt port answers. It changes nothing on disk. An error means the options
// are invalid or the files could not be read, never that Neo4j is down.
func Status(o Options) (State, error) {
	o, err := o.WithDefaults()
	if err != nil {
		return State{}, err
	}
	l := layoutOf(o)
	st := State{BoltURI: o.BoltURI(), DataDir: o.DataDir}
	st.SupervisorPID, _ = supervisedBy(l)
	pid, token, err := readPIDFile(l.pidFile)
	if err != nil {
		return st, err
	}
	if pid == 0 || !isLauncher(pid, o.DataDir, token) {
		// No pid file, or a stale one: a launcher for this data directory may still hold the
		// port (its pid file lost), and then that is the truth to tell.
		if owner, _, ok := portOwner(o.BoltPort); ok && isLauncher(owner, o.DataDir, "") {
			st.PID, st.Orphan = owner, true
			st.Running = portAnswers(o.BoltPort)
		}
		return st, nil
	}
	st.PID, st.token = pid, token
	uri, ok := readReady(l)
	if !ok {
		return st, nil
	}
	st.BoltURI = uri
	if port, ok := portOfURI(uri); ok {
		st.Running = portAnswers(port)
	}
	return st, nil
}

// StopRunning stops the launcher found through <DataDir>/launcher.pid, typically one started
// detached by another process: SIGTERM, up to StopTimeout for a clean shutdown (bounded by ctx),
// then SIGKILL. It removes the ready and pid files. Stopping when nothing runs (or only stale
// files remain) succeeds and cleans them up, so it is idempotent.
func StopRunning(ctx context.Context, o Options) error {
	o, err := o.WithDefaults()
	if err != nil {
		return err
	}
	l := layoutOf(o)
	st, err := Status(o)
	if err != nil {
		return err
	}
	if st.SupervisorPID != 0 {
		return fmt.Errorf("neo4jlocal: the launcher for %s is run by policygraph pid %d, which restarts it when it dies; stop that process (Ctrl-C or SIGTERM) instead: %w",
			o.DataDir, st.SupervisorPID, ErrSupervised)
	}
	if st.PID == 0 {
		removeRunFiles(l)
		o.Logger.InfoContext(ctx, "neo4j-local is not running", "data_dir", o.DataDir)
		return nil
	}
	pid := st.PID
	o.Logger.InfoContext(ctx, "stopping neo4j-local", "pid", pid, "data_dir", o.DataDir)
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("neo4jlocal: signal pid %d: %w", pid, err)
	}
	stopCtx, cancel := context.WithTimeout(ctx, StopTimeout)
	defer cancel()
	if !waitGone(stopCtx, pid) {
		o.Logger.WarnContext(ctx, "neo4j-local did not stop in time, killing it", "pid", pid)
		_ = syscall.Kill(pid, syscall.SIGKILL)
		killCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if !waitGone(killCtx, pid) {
			return fmt.Errorf("neo4jlocal: pid %d survived SIGKILL", pid)
		}
	}
	removeOwnRunFiles(l, pid, st.token)
	o.Logger.InfoContext(ctx, "neo4j-local stopped", "pid", pid)
	if ctx.Err() != nil {
		return fmt.Errorf("neo4jlocal: stop pid %d: killed: %w", pid, ctx.Err())
	}
	return nil
}

// EnsureRunning returns the state of a ready launcher for o.DataDir, starting one detached if
// none runs; it waits for one that another caller is starting. Concurrent callers, in any
// process, are serialised, so all test packages of a `go test ./...` run share one Neo4j. It
// fails with ErrAlreadyRunning when the running launcher serves a different port than asked.
// The running instance's password is not checked.
func EnsureRunning(ctx context.Context, o Options) (State, error) {
	o, err := o.WithDefaults()
	if err != nil {
		return State{}, err
	}
	if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
		return State{}, fmt.Errorf("neo4jlocal: create data dir: %w", err)
	}
	if _, ok := supervisedBy(layoutOf(o)); ok {
		return waitSupervised(ctx, o)
	}
	unlock, err := lockFile(ctx, layoutOf(o).lockFile)
	if err != nil {
		return State{}, err
	}
	defer unlock()

	st, err := Status(o)
	if err != nil {
		return st, err
	}
	if st.PID != 0 && !st.Running {
		// Starting (or stopping) elsewhere: give it the start timeout to become ready.
		waitCtx, cancel := context.WithTimeout(ctx, o.StartTimeout)
		defer cancel()
		for st.PID != 0 && !st.Running && waitCtx.Err() == nil {
			select {
			case <-waitCtx.Done():
			case <-time.After(250 * time.Millisecond):
			}
			if st, err = Status(o); err != nil {
				return st, err
			}
		}
		if st.PID != 0 && !st.Running {
			return st, fmt.Errorf("neo4jlocal: launcher pid %d for %s is not ready after %s; see %s: %w",
				st.PID, o.DataDir, o.StartTimeout, layoutOf(o).logFile, ErrStartFailed)
		}
	}
	if st.Running {
		if st.BoltURI != o.BoltURI() {
			return st, fmt.Errorf("neo4jlocal: the launcher for %s serves %s, not %s; stop it first: %w",
				o.DataDir, st.BoltURI, o.BoltURI(), ErrAlreadyRunning)
		}
		o.Logger.InfoContext(ctx, "reusing running neo4j-local", "uri", st.BoltURI, "pid", st.PID)
		return st, nil
	}
	p, err := start(ctx, o, true)
	if err != nil {
		return State{BoltURI: o.BoltURI(), DataDir: o.DataDir}, err
	}
	return State{Running: true, PID: p.PID(), BoltURI: p.BoltURI(), DataDir: o.DataDir}, nil
}

// readPIDFile returns the pid and start token in path (pid, newline, token), or 0 when the
// file is missing, empty or garbled. A file of an older launcher holds no token.
func readPIDFile(path string) (int, string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("neo4jlocal: read pid file: %w", err)
	}
	first, rest, _ := strings.Cut(string(b), "\n")
	pid, _ := positiveInt(first) // garbled counts as no pid
	return pid, strings.TrimSpace(rest), nil
}

// readReady returns the Bolt URI in the ready file.
func readReady(l layout) (string, bool) {
	b, err := os.ReadFile(l.readyFile)
	if err != nil {
		return "", false
	}
	uri := strings.TrimSpace(string(b))
	return uri, uri != ""
}

// portOfURI returns the port at the end of a URI such as bolt://127.0.0.1:7687.
func portOfURI(uri string) (int, bool) {
	i := strings.LastIndexByte(uri, ':')
	if i < 0 {
		return 0, false
	}
	return positiveInt(uri[i+1:])
}

// positiveInt parses s as an integer above zero.
func positiveInt(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil && n > 0
}

// isLauncher reports whether pid is a live (not zombie) launcher process for dataDir, started
// with the start token token (any token when it is empty), so that a pid reused by another
// program, or a pid file some other launcher left, is told apart from the launcher it names.
func isLauncher(pid int, dataDir, token string) bool {
	if !alive(pid) {
		return false
	}
	cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return false
	}
	args := strings.Split(string(bytes.TrimRight(cmdline, "\x00")), "\x00")
	if token != "" && !slices.Contains(args, tokenFlag+token) {
		return false
	}
	return isLauncherCmdline(args, dataDir)
}

// isLauncherCmdline reports whether args run the launcher class with --data-dir dataDir.
func isLauncherCmdline(args []string, dataDir string) bool {
	class := false
	for i, a := range args {
		if a == launcherClass {
			class = true
		}
		if class && a == "--data-dir" && i+1 < len(args) {
			return filepath.Clean(args[i+1]) == filepath.Clean(dataDir)
		}
		if class && strings.HasPrefix(a, "--data-dir=") {
			return filepath.Clean(strings.TrimPrefix(a, "--data-dir=")) == filepath.Clean(dataDir)
		}
	}
	return false
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	// Format: pid (comm) state ...; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) {
		return true
	}
	state := stat[i+2]
	return state != 'Z' && state != 'X'
}

// waitGone polls until pid is gone or ctx is done; it reports whether the process is gone.
func waitGone(ctx context.Context, pid int) bool {
	for {
		if !alive(pid) {
			return true
		}
		select {
		case <-ctx.Done():
			return !alive(pid)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// removeRunFiles deletes the ready and pid files left by a launcher that no longer runs.
func removeRunFiles(l layout) {
	_ = os.Remove(l.readyFile)
	_ = os.Remove(l.pidFile)
}

// removeOwnRunFiles deletes the ready and pid files only while the pid file still names the
// launcher pid started with token: a launcher started since owns them now.
func removeOwnRunFiles(l layout, pid int, token string) {
	got, gotToken, err := readPIDFile(l.pidFile)
	if err != nil || got != pid || gotToken != token {
		return
	}
	removeRunFiles(l)
}

// tokenFlag passes the start token to the launcher, which writes it into its pid file.
const tokenFlag = "-Dpolicygraph.token="

// newToken returns a random start token.
func newToken() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("neo4jlocal: start token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// portOwner finds the process listening on TCP port (any address) through /proc, best effort:
// it reports false when the socket or its owner cannot be seen.
func portOwner(port int) (pid int, name string, ok bool) {
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		for _, inode := range listeningInodes(f, port) {
			inodes[inode] = true
		}
	}
	if len(inodes) == 0 {
		return 0, "", false
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, "", false
	}
	for _, p := range procs {
		id, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		fds, err := os.ReadDir(filepath.Join("/proc", p.Name(), "fd"))
		if err != nil {
			continue
		}
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join("/proc", p.Name(), "fd", fd.Name()))
			if err != nil || !strings.HasPrefix(target, "socket:[") {
				continue
			}
			if inodes[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] {
				return id, processName(id), true
			}
		}
	}
	return 0, "", false
}

// listeningInodes returns the socket inodes in a /proc/net/tcp{,6} table that listen on port.
func listeningInodes(table string, port int) []string {
	f, err := os.Open(table)
	if err != nil {
		return nil
	}
	defer f.Close()
	return parseListening(bufio.NewScanner(f), port)
}

// parseListening parses /proc/net/tcp lines: "sl local_address rem_address st ... inode".
func parseListening(sc *bufio.Scanner, port int) []string {
	const listen = "0A"
	want := fmt.Sprintf(":%04X", port)
	var out []string
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != listen {
			continue
		}
		if strings.HasSuffix(fields[1], want) {
			out = append(out, fields[9])
		}
	}
	return out
}

// processName returns a short description of pid: its command name, or the launcher marker.
func processName(pid int) string {
	base := filepath.Join("/proc", strconv.Itoa(pid))
	comm, _ := os.ReadFile(filepath.Join(base, "comm"))
	name := strings.TrimSpace(string(comm))
	if cmdline, err := os.ReadFile(filepath.Join(base, "cmdline")); err == nil &&
		bytes.Contains(cmdline, []byte(launcherClass)) {
		return name + ", a neo4j-local launcher"
	}
	if name == "" {
		return "unknown"
	}
	return name
}

// waitSupervised waits (without the start lock, which the supervisor's restart needs) for the
// launcher another process supervises to be ready, up to o.StartTimeout.
func waitSupervised(ctx context.Context, o Options) (State, error) {
	waitCtx, cancel := context.WithTimeout(ctx, o.StartTimeout)
	defer cancel()
	for {
		st, err := Status(o)
		if err != nil || st.Running {
			if err == nil && st.BoltURI != o.BoltURI() {
				err = fmt.Errorf("neo4jlocal: the launcher for %s serves %s, not %s: %w", o.DataDir, st.BoltURI, o.BoltURI(), ErrAlreadyRunning)
			}
			return st, err
		}
		if st.SupervisorPID == 0 { // the supervisor ended meanwhile
			return EnsureRunning(ctx, o)
		}
		select {
		case <-waitCtx.Done():
			return st, fmt.Errorf("neo4jlocal: policygraph pid %d runs the launcher for %s and it is not ready after %s; see %s: %w",
				st.SupervisorPID, o.DataDir, o.StartTimeout, layoutOf(o).logFile, ErrSupervised)
		case <-time.After(250 * time.Millisecond):
		}
	}
}
