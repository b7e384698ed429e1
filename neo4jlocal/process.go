package neo4jlocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// StopTimeout is how long Stop and StopRunning wait after SIGTERM before they SIGKILL.
// Neo4j checkpoints on shutdown and its Bolt server takes about 10s to close.
const StopTimeout = 30 * time.Second

// moduleFlags are the module flags that Neo4j 5.26 ships in conf/neo4j.conf
// (server.jvm.additional=...); an embedded Neo4j needs them on the java command line.
var moduleFlags = []string{
	"--add-opens=java.base/java.nio=ALL-UNNAMED",
	"--add-opens=java.base/java.io=ALL-UNNAMED",
	"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
	"--enable-native-access=ALL-UNNAMED",
}

// jvmFlags are the other neo4j.conf JVM defaults that suit a small, supervised, embedded
// instance. -XX:+AlwaysPreTouch is left out on purpose: it would commit the whole heap.
var jvmFlags = []string{
	"-XX:+UseG1GC",
	"-XX:-OmitStackTraceInFastThrow",
	"-XX:+DisableExplicitGC",
	"-XX:+ExitOnOutOfMemoryError",
	"-Djdk.nio.maxCachedBufferSize=1024",
	"-Dio.netty.tryReflectionSetAccessible=true",
	"-Dfile.encoding=UTF-8",
	"-Dlog4j2.disable.jmx=true",
}

// Launcher exit codes (see Launcher.java).
const (
	exitUsage      = 2
	exitPortInUse  = 3
	exitDataLocked = 4
)

// javaArgs assembles the java command line (without the java binary itself). token is the
// launcher's start token: it writes it into its pid file beside its pid.
func javaArgs(o Options, l layout, token string) []string {
	args := []string{
		fmt.Sprintf("-Xms%dm", o.HeapMB),
		fmt.Sprintf("-Xmx%dm", o.HeapMB),
		tokenFlag + token,
	}
	args = append(args, jvmFlags...)
	args = append(args, moduleFlags...)
	args = append(args,
		"-XX:ErrorFile="+filepath.Join(l.dataDir, "hs_err_pid%p.log"),
		"-cp", l.jar+string(os.PathListSeparator)+filepath.Join(l.libDir, "*"),
		launcherClass,
		"--data-dir", l.dataDir,
		"--bolt-port", strconv.Itoa(o.BoltPort),
		"--pagecache", fmt.Sprintf("%dm", o.PageCacheMB),
	)
	return args
}

// childEnv is the launcher's environment: ours, with the password set and the variables the
// launcher would otherwise read removed so the command line is the only source of the port.
func childEnv(environ []string, password string) []string {
	env := make([]string, 0, len(environ)+1)
	for _, kv := range environ {
		if strings.HasPrefix(kv, EnvPassword+"=") || strings.HasPrefix(kv, EnvBoltPort+"=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, EnvPassword+"="+password)
}

// Process is a launcher started by Start. Its methods are safe for concurrent use.
type Process struct {
	opts   Options
	token  string // the start token in its pid file
	cmd    *exec.Cmd
	done   chan struct{}
	mu     sync.Mutex
	err    error // from cmd.Wait, valid once done is closed
	signal bool  // we sent SIGTERM/SIGKILL
}

// PID returns the launcher's process id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// BoltURI returns the Bolt URI the launcher serves.
func (p *Process) BoltURI() string { return p.opts.BoltURI() }

// DataDir returns the launcher's data directory.
func (p *Process) DataDir() string { return p.opts.DataDir }

// Done is closed when the launcher process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait blocks until the launcher exits. It returns nil when the exit followed Stop (or a
// SIGTERM/SIGINT from elsewhere), and an error quoting the end of launcher.log otherwise.
func (p *Process) Wait() error {
	<-p.done
	p.mu.Lock()
	err, signalled := p.err, p.signal
	p.mu.Unlock()
	if err == nil {
		return nil
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok {
			// The JVM exits with 128+15 after running its shutdown hook for SIGTERM.
			if ws.Signaled() && signalled || ws.ExitStatus() == 143 || ws.ExitStatus() == 130 {
				return nil
			}
		}
	}
	return fmt.Errorf("neo4jlocal: launcher (pid %d) exited: %w\n%s", p.PID(), err, tailFile(layoutOf(p.opts).logFile, 0, 10))
}

// Stop sends SIGTERM to the launcher's process group, waits up to StopTimeout (or until ctx is
// done) for Neo4j to shut down cleanly, then sends SIGKILL. It removes the ready and pid files
// while the pid file is still this launcher's (never those of a launcher started since), and
// is idempotent: stopping an exited process returns nil.
func (p *Process) Stop(ctx context.Context) error {
	select {
	case <-p.done:
		removeOwnRunFiles(layoutOf(p.opts), p.PID(), p.token)
		return nil
	default:
	}
	p.mu.Lock()
	p.signal = true
	p.mu.Unlock()
	pid := p.PID()
	p.opts.Logger.InfoContext(ctx, "stopping neo4j-local", "pid", pid)
	_ = signalGroup(pid, syscall.SIGTERM)
	timer := time.NewTimer(StopTimeout)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		p.opts.Logger.WarnContext(ctx, "neo4j-local did not stop in time, killing it", "pid", pid, "timeout", StopTimeout)
		_ = signalGroup(pid, syscall.SIGKILL)
		<-p.done
	case <-ctx.Done():
		_ = signalGroup(pid, syscall.SIGKILL)
		<-p.done
		removeOwnRunFiles(layoutOf(p.opts), p.PID(), p.token)
		return fmt.Errorf("neo4jlocal: stop pid %d: killed: %w", pid, ctx.Err())
	}
	removeOwnRunFiles(layoutOf(p.opts), p.PID(), p.token)
	p.opts.Logger.InfoContext(ctx, "neo4j-local stopped", "pid", pid)
	return nil
}

// signalGroup signals the process group led by pid, or the process alone if it leads none.
func signalGroup(pid int, sig syscall.Signal) error {
	if err := syscall.Kill(-pid, sig); err == nil {
		return nil
	}
	return syscall.Kill(pid, sig)
}

// Start builds the launcher if needed, checks that no launcher runs for o.DataDir and that the
// Bolt port is free (ErrAlreadyRunning, ErrPortInUse naming the owning process when it can be
// found), launches java in its own process group with stdout and stderr appended to
// <DataDir>/launcher.log, and waits up to o.StartTimeout (and while ctx is not done) for the
// ready file and the Bolt port. If the launcher exits first, the error (ErrStartFailed,
// ErrPortInUse or ErrLocked) quotes the last lines it logged.
//
// With detach false the launcher is tied to the caller: it is stopped when ctx is done and is
// sent SIGTERM by the kernel if the calling process dies. With detach true it runs in its own
// session and outlives the caller; find and stop it later with Status and StopRunning.
func Start(ctx context.Context, o Options, detach bool) (*Process, error) {
	o, err := o.WithDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("neo4jlocal: create data dir: %w", err)
	}
	if pid, ok := supervisedBy(layoutOf(o)); ok {
		return nil, fmt.Errorf("neo4jlocal: policygraph pid %d runs the launcher for %s and restarts it when it dies; use that one (or stop that process first): %w",
			pid, o.DataDir, ErrSupervised)
	}
	unlock, err := lockFile(ctx, layoutOf(o).lockFile)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return start(ctx, o, detach)
}

// start is Start without the start lock; o has defaults applied.
func start(ctx context.Context, o Options, detach bool) (*Process, error) {
	java, err := build(ctx, o)
	if err != nil {
		return nil, err
	}
	l := layoutOf(o)
	st, err := Status(o)
	if err != nil {
		return nil, err
	}
	if st.PID != 0 {
		return nil, fmt.Errorf("neo4jlocal: a launcher (pid %d) already runs for %s on %s; stop it with `policygraph neo4j stop`: %w",
			st.PID, o.DataDir, st.BoltURI, ErrAlreadyRunning)
	}
	removeRunFiles(l) // stale files of a launcher that died
	if err := checkPortFree(o.BoltPort); err != nil {
		return nil, err
	}

	logf, err := os.OpenFile(l.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("neo4jlocal: open launcher log: %w", err)
	}
	defer logf.Close() // the child keeps its own descriptor
	logStart, _ := logf.Seek(0, io.SeekEnd)
	fmt.Fprintf(logf, "--- %s policygraph neo4j-local start: %s heap=%dm pagecache=%dm detach=%t\n",
		time.Now().Format(time.RFC3339), o.BoltURI(), o.HeapMB, o.PageCacheMB, detach)

	token, err := newToken()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(java, javaArgs(o, l, token)...)
	cmd.Dir = o.DataDir
	cmd.Env = childEnv(os.Environ(), o.Password)
	cmd.Stdout = logf
	cmd.Stderr = logf
	if detach {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	} else {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	}
	o.Logger.InfoContext(ctx, "starting neo4j-local", "options", o, "log", l.logFile)
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("neo4jlocal: start java: %w", err)
	}
	p := &Process{opts: o, token: token, cmd: cmd, done: make(chan struct{})}
	go func() {
		err := cmd.Wait() // also reaps a detached child that dies while we run
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(p.done)
	}()

	if err := waitReady(ctx, p, l, logStart); err != nil {
		stopCtx, cancel := context.WithTimeout(context.Background(), StopTimeout+5*time.Second)
		defer cancel()
		_ = p.Stop(stopCtx)
		return nil, err
	}
	o.Logger.InfoContext(ctx, "neo4j-local ready", "uri", o.BoltURI(), "pid", p.PID(),
		"elapsed", time.Since(begin).Round(time.Millisecond))
	if !detach {
		go func() {
			select {
			case <-ctx.Done():
				stopCtx, cancel := context.WithTimeout(context.Background(), StopTimeout+5*time.Second)
				defer cancel()
				_ = p.Stop(stopCtx)
			case <-p.done:
			}
		}()
	}
	return p, nil
}

// waitReady polls until the ready file names our URI and the Bolt port accepts connections.
func waitReady(ctx context.Context, p *Process, l layout, logStart int64) error {
	deadline := time.NewTimer(p.opts.StartTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	want := p.opts.BoltURI()
	for {
		if uri, ok := readReady(l); ok && uri == want && portAnswers(p.opts.BoltPort) {
			return nil
		}
		select {
		case <-p.done:
			return startFailure(p, l, logStart)
		case <-deadline.C:
			return fmt.Errorf("neo4jlocal: launcher not ready on %s after %s; last lines of %s:\n%s: %w",
				want, p.opts.StartTimeout, l.logFile, tailFile(l.logFile, logStart, 15), ErrStartFailed)
		case <-ctx.Done():
			return fmt.Errorf("neo4jlocal: waiting for neo4j-local: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// startFailure explains a launcher that exited before it was ready.
func startFailure(p *Process, l layout, logStart int64) error {
	p.mu.Lock()
	err := p.err
	p.mu.Unlock()
	kind := ErrStartFailed
	code := -1
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	}
	switch code {
	case exitPortInUse:
		kind = ErrPortInUse
	case exitDataLocked:
		kind = ErrLocked
	}
	tail := tailFile(l.logFile, logStart, 15)
	if line := errorLine(tail); line != "" {
		return fmt.Errorf("neo4jlocal: launcher exited during startup (exit code %d): %s: %w", code, line, kind)
	}
	return fmt.Errorf("neo4jlocal: launcher exited during startup (%w); last lines of %s:\n%s: %w",
		err, l.logFile, tail, kind)
}

// errorLine returns the launcher's one-line error ("neo4j-local: error: ...") from a log tail.
func errorLine(tail string) string {
	const marker = "neo4j-local: error: "
	for _, line := range strings.Split(tail, "\n") {
		if i := strings.Index(line, marker); i >= 0 {
			return strings.TrimSpace(line[i+len(marker):])
		}
	}
	return ""
}

// tailFile returns the last n lines of path written at or after offset.
func tailFile(path string, offset int64, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return "  (no log: " + err.Error() + ")"
	}
	defer f.Close()
	const maxRead = 64 << 10
	if fi, err := f.Stat(); err == nil && fi.Size()-offset > maxRead {
		offset = fi.Size() - maxRead
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return "  (log unreadable: " + err.Error() + ")"
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return "  (log unreadable: " + err.Error() + ")"
	}
	return lastLines(string(b), n)
}

// checkPortFree fails with ErrPortInUse when something listens on 127.0.0.1:port.
func checkPortFree(port int) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err == nil {
		return ln.Close()
	}
	owner := ""
	if pid, name, ok := portOwner(port); ok {
		owner = fmt.Sprintf(" by pid %d (%s)", pid, name)
	}
	return fmt.Errorf("neo4jlocal: bolt port %d on 127.0.0.1 is already in use%s; stop that process or choose another port with %s: %w",
		port, owner, EnvBoltPort, ErrPortInUse)
}

// portAnswers reports whether a TCP connection to 127.0.0.1:port succeeds.
func portAnswers(port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}
