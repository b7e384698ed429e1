package neo4jlocal

import (
	"bufio"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fakeRepo makes a folder holding neo4j-local/pom.xml and neo4j-local/src/.
func fakeRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "neo4j-local", "src", "main", "java")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(dir, "neo4j-local", "pom.xml"), filepath.Join(src, "Launcher.java")} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestWithDefaults(t *testing.T) {
	repo := fakeRepo(t)
	sub := filepath.Join(repo, "neo4j-local", "src", "main")
	tests := []struct {
		name string
		in   Options
		env  map[string]string
		cwd  string
		want Options
	}{
		{
			name: "all defaults, repo found upwards from cwd",
			cwd:  sub,
			want: Options{RepoDir: repo, DataDir: filepath.Join(repo, ".data", "neo4j"), BoltPort: 7687,
				Password: DefaultPassword, HeapMB: 1024, PageCacheMB: 512, StartTimeout: DefaultStartTimeout},
		},
		{
			name: "environment",
			cwd:  "/",
			env: map[string]string{EnvHome: repo, EnvDataDir: "rel/test", EnvBoltPort: "7688",
				EnvPassword: "from-env-pw", EnvHeapMB: "512", EnvPageCacheMB: "64"},
			want: Options{RepoDir: repo, DataDir: "/rel/test", BoltPort: 7688, Password: "from-env-pw",
				HeapMB: 512, PageCacheMB: 64, StartTimeout: DefaultStartTimeout},
		},
		{
			name: "explicit fields win over environment",
			cwd:  "/",
			in: Options{RepoDir: repo, DataDir: "/d", BoltPort: 9999, Password: "explicit-pw",
				HeapMB: 256, PageCacheMB: 32, StartTimeout: time.Second},
			env: map[string]string{EnvBoltPort: "7688", EnvPassword: "from-env-pw", EnvHeapMB: "512"},
			want: Options{RepoDir: repo, DataDir: "/d", BoltPort: 9999, Password: "explicit-pw",
				HeapMB: 256, PageCacheMB: 32, StartTimeout: time.Second},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.withDefaults(envOf(tt.env), tt.cwd, "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Logger == nil {
				t.Error("Logger is nil, want a discarding logger")
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Options{}, "Logger")); diff != "" {
				t.Errorf("withDefaults (-want +got):\n%s", diff)
			}
			again, err := got.withDefaults(envOf(nil), "/", "")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, again, cmpopts.IgnoreFields(Options{}, "Logger")); diff != "" {
				t.Errorf("not idempotent (-first +second):\n%s", diff)
			}
		})
	}
}

func TestWithDefaultsErrors(t *testing.T) {
	repo := fakeRepo(t)
	tests := []struct {
		name    string
		in      Options
		env     map[string]string
		wantErr error
		wantMsg string
	}{
		{name: "no repo", env: nil, wantErr: ErrNoRepo, wantMsg: EnvHome},
		{name: "home without pom", env: map[string]string{EnvHome: t.TempDir()}, wantErr: ErrNoRepo},
		{name: "bad port", env: map[string]string{EnvHome: repo, EnvBoltPort: "http"}, wantMsg: "NEO4J_BOLT_PORT"},
		{name: "port out of range", env: map[string]string{EnvHome: repo, EnvBoltPort: "70000"}, wantMsg: "NEO4J_BOLT_PORT"},
		{name: "negative heap", in: Options{HeapMB: -1}, env: map[string]string{EnvHome: repo}, wantMsg: "NEO4J_HEAP_MB"},
		{name: "bad pagecache", env: map[string]string{EnvHome: repo, EnvPageCacheMB: "1g"}, wantMsg: "NEO4J_PAGECACHE_MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.in.withDefaults(envOf(tt.env), t.TempDir(), "")
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v is not %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
}

func TestBoltURI(t *testing.T) {
	if got, want := (Options{}).BoltURI(), "bolt://127.0.0.1:7687"; got != want {
		t.Errorf("zero BoltURI = %q, want %q", got, want)
	}
	if got, want := (Options{BoltPort: 7688}).BoltURI(), "bolt://127.0.0.1:7688"; got != want {
		t.Errorf("BoltURI = %q, want %q", got, want)
	}
}

func TestLogValueMasksPassword(t *testing.T) {
	v := Options{Password: "s3cret-password"}.LogValue().String()
	if strings.Contains(v, "s3cret") {
		t.Errorf("LogValue leaks the password: %s", v)
	}
}

func TestJavaArgs(t *testing.T) {
	o := Options{RepoDir: "/repo", DataDir: "/repo/.data/neo4j", BoltPort: 7688, HeapMB: 768, PageCacheMB: 128,
		Password: "never-on-the-command-line"}
	got := javaArgs(o, layoutOf(o), "tok3n")
	want := []string{
		"-Xms768m", "-Xmx768m", "-Dpolicygraph.token=tok3n",
		"-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow", "-XX:+DisableExplicitGC", "-XX:+ExitOnOutOfMemoryError",
		"-Djdk.nio.maxCachedBufferSize=1024", "-Dio.netty.tryReflectionSetAccessible=true",
		"-Dfile.encoding=UTF-8", "-Dlog4j2.disable.jmx=true",
		"--add-opens=java.base/java.nio=ALL-UNNAMED",
		"--add-opens=java.base/java.io=ALL-UNNAMED",
		"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
		"--enable-native-access=ALL-UNNAMED",
		"-XX:ErrorFile=/repo/.data/neo4j/hs_err_pid%p.log",
		"-cp", "/repo/neo4j-local/target/neo4j-local.jar:/repo/neo4j-local/target/lib/*",
		"dev.policygraph.neo4jlocal.Launcher",
		"--data-dir", "/repo/.data/neo4j", "--bolt-port", "7688", "--pagecache", "128m",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("javaArgs (-want +got):\n%s", diff)
	}
	if !isLauncherCmdline(append([]string{"java"}, got...), o.DataDir) {
		t.Error("isLauncherCmdline does not recognise javaArgs")
	}
}

func TestChildEnv(t *testing.T) {
	got := childEnv([]string{"PATH=/bin", "NEO4J_PASSWORD=old", "NEO4J_BOLT_PORT=1", "HOME=/root"}, "new-password")
	want := []string{"PATH=/bin", "HOME=/root", "NEO4J_PASSWORD=new-password"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("childEnv (-want +got):\n%s", diff)
	}
}

func TestIsLauncherCmdline(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want bool
	}{
		{"launcher for dir", []string{"java", "-cp", "x", launcherClass, "--data-dir", "/d/"}, true},
		{"launcher, = form", []string{"java", launcherClass, "--data-dir=/d"}, true},
		{"other dir", []string{"java", launcherClass, "--data-dir", "/other"}, false},
		{"not the launcher", []string{"sleep", "--data-dir", "/d"}, false},
		{"flag before class", []string{"java", "--data-dir", "/d", launcherClass}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isLauncherCmdline(tt.args, "/d"); got != tt.want {
				t.Errorf("isLauncherCmdline(%q) = %v, want %v", tt.args, got, tt.want)
			}
		})
	}
}

func TestParseJavaMajor(t *testing.T) {
	tests := []struct {
		out  string
		want int
		ok   bool
	}{
		{`openjdk version "17.0.15" 2025-04-15`, 17, true},
		{`openjdk version "21" 2023-09-19`, 21, true},
		{`java version "1.8.0_392"`, 8, true},
		{`no version here`, 0, false},
	}
	for _, tt := range tests {
		got, ok := parseJavaMajor(tt.out)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseJavaMajor(%q) = %d, %v; want %d, %v", tt.out, got, ok, tt.want, tt.ok)
		}
	}
}

// TestStatusStalePID covers pid files whose process is gone, is another program, or is garbage.
func TestStatusStalePID(t *testing.T) {
	repo := fakeRepo(t)
	deadCmd := exec.Command("true")
	if err := deadCmd.Run(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pid  string
	}{
		{"dead process", strconv.Itoa(deadCmd.Process.Pid)},
		{"live process that is not a launcher", strconv.Itoa(os.Getpid())},
		{"garbage", "not-a-pid"},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{RepoDir: repo, DataDir: t.TempDir(), BoltPort: 7687}
			l := layoutOf(o)
			for _, f := range []struct{ path, body string }{{l.pidFile, tt.pid}, {l.readyFile, o.BoltURI()}} {
				if err := os.WriteFile(f.path, []byte(f.body+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			st, err := Status(o)
			if err != nil {
				t.Fatal(err)
			}
			want := State{Running: false, PID: 0, BoltURI: o.BoltURI(), DataDir: o.DataDir}
			if diff := cmp.Diff(want, st, cmp.AllowUnexported(State{})); diff != "" {
				t.Errorf("Status (-want +got):\n%s", diff)
			}
			if _, err := os.Stat(l.pidFile); err != nil {
				t.Errorf("Status changed the disk: %v", err)
			}
			if err := StopRunning(t.Context(), o); err != nil {
				t.Fatalf("StopRunning with stale files: %v", err)
			}
			for _, f := range []string{l.pidFile, l.readyFile} {
				if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("StopRunning left stale %s (%v)", filepath.Base(f), err)
				}
			}
		})
	}
}

func TestStatusNoFiles(t *testing.T) {
	o := Options{RepoDir: fakeRepo(t), DataDir: t.TempDir(), BoltPort: 7699}
	st, err := Status(o)
	if err != nil {
		t.Fatal(err)
	}
	if st.Running || st.PID != 0 || st.BoltURI != "bolt://127.0.0.1:7699" {
		t.Errorf("Status = %+v, want not running on 7699", st)
	}
}

func TestNeedsBuild(t *testing.T) {
	repo := fakeRepo(t)
	l := layoutOf(Options{RepoDir: repo, DataDir: t.TempDir()})
	src := filepath.Join(l.srcDir, "main", "java", "Launcher.java")
	at := func(t *testing.T, d time.Duration, files ...string) {
		t.Helper()
		for _, f := range files {
			if _, err := os.Stat(f); err != nil {
				if err := os.WriteFile(f, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ts := time.Now().Add(d)
			if err := os.Chtimes(f, ts, ts); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(t *testing.T, wantStale bool, wantWhy string) {
		t.Helper()
		stale, why, err := needsBuild(l)
		if err != nil || stale != wantStale || !strings.Contains(why, wantWhy) {
			t.Fatalf("needsBuild = %v (%q), %v; want %v (%q)", stale, why, err, wantStale, wantWhy)
		}
	}

	check(t, true, "no previous build")
	at(t, -3*time.Hour, l.pom, src, filepath.Dir(src), filepath.Dir(filepath.Dir(src)), l.srcDir)
	if err := os.MkdirAll(l.libDir, 0o755); err != nil {
		t.Fatal(err)
	}
	at(t, -2*time.Hour, l.jar) // mvn package by hand or by CI: no stamp, a fresh jar
	check(t, false, "")
	at(t, -time.Hour, l.pom) // pom edited after the jar
	check(t, true, "pom.xml changed")
	at(t, 0, l.stamp) // Build ran; Maven left the up-to-date jar alone
	check(t, false, "")
	at(t, time.Minute, src)
	check(t, true, "Launcher.java changed")
	at(t, 2*time.Minute, l.stamp)
	check(t, false, "")
	if err := os.Remove(l.libDir); err != nil {
		t.Fatal(err)
	}
	check(t, true, "missing lib")
}

func TestBuildMissingTools(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := Build(t.Context(), Options{RepoDir: fakeRepo(t), DataDir: t.TempDir()})
	if !errors.Is(err, ErrToolMissing) || !strings.Contains(err.Error(), "java not found on PATH: install a Java 17+ JDK") {
		t.Fatalf("Build without java = %v, want the install hint and ErrToolMissing", err)
	}
}

func TestParseListening(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1E03 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1E03 0100007F:A000 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0000000000000000 20 4 30 10 -1
   2: 00000000:1E04 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0000000000000000 100 0 0 10 0
`
	got := parseListening(bufio.NewScanner(strings.NewReader(table)), 7683)
	if diff := cmp.Diff([]string{"111"}, got); diff != "" {
		t.Errorf("parseListening (-want +got):\n%s", diff)
	}
}

func TestCheckPortFreeNamesOwner(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	err = checkPortFree(port)
	if !errors.Is(err, ErrPortInUse) {
		t.Fatalf("checkPortFree on a taken port = %v, want ErrPortInUse", err)
	}
	for _, want := range []string{"bolt port " + strconv.Itoa(port), "pid " + strconv.Itoa(os.Getpid())} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	ln.Close()
	if err := checkPortFree(port); err != nil {
		t.Errorf("checkPortFree on a free port: %v", err)
	}
}

func TestErrorLineAndTail(t *testing.T) {
	log := filepath.Join(t.TempDir(), "launcher.log")
	body := "old run\nneo4j-local: error: old\n--- new start\nINFO something\nneo4j-local: error: bolt port 7687 on 127.0.0.1 is already in use\n"
	if err := os.WriteFile(log, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	offset := int64(strings.Index(body, "--- new start"))
	tail := tailFile(log, offset, 10)
	if strings.Contains(tail, "old") {
		t.Errorf("tail reaches before offset: %q", tail)
	}
	if got, want := errorLine(tail), "bolt port 7687 on 127.0.0.1 is already in use"; got != want {
		t.Errorf("errorLine = %q, want %q", got, want)
	}
	if got := lastLines("a\n\nb\nc\n", 2); got != "  b\n  c" {
		t.Errorf("lastLines = %q", got)
	}
}

// TestRunFilesBelongToTheirWriter: a launcher's cleanup removes the pid and ready files only
// while the pid file still names it (pid and start token), so the cleanup of a launcher that
// died never deletes the files of one started since.
func TestRunFilesBelongToTheirWriter(t *testing.T) {
	const pid, token = 4242, "0123456789abcdef"
	tests := []struct {
		name    string
		pidFile string // "" = no pid file
		removed bool
	}{
		{"ours", "4242\n0123456789abcdef\n", true},
		{"a newer launcher's pid", "5151\nfedcba9876543210\n", false},
		{"our pid reused with another token", "4242\nfedcba9876543210\n", false},
		{"an old launcher's file without a token", "4242\n", false},
		{"no pid file", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{RepoDir: "/repo", DataDir: t.TempDir(), BoltPort: 7687}
			l := layoutOf(o)
			if tt.pidFile != "" {
				if err := os.WriteFile(l.pidFile, []byte(tt.pidFile), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(l.readyFile, []byte(o.BoltURI()+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			removeOwnRunFiles(l, pid, token)
			_, errPid := os.Stat(l.pidFile)
			_, errReady := os.Stat(l.readyFile)
			gone := errors.Is(errReady, os.ErrNotExist)
			if gone != tt.removed {
				t.Errorf("ready file removed = %t, want %t", gone, tt.removed)
			}
			if tt.pidFile != "" && errors.Is(errPid, os.ErrNotExist) != tt.removed {
				t.Errorf("pid file removed = %t, want %t", errors.Is(errPid, os.ErrNotExist), tt.removed)
			}
		})
	}
}

// TestSupervisorLock: the supervisor lock counts only while a process holds it, and names it.
func TestSupervisorLock(t *testing.T) {
	o := Options{RepoDir: fakeRepo(t), DataDir: t.TempDir(), BoltPort: freeTestPort(t)}
	l := layoutOf(o)
	if pid, ok := supervisedBy(l); ok {
		t.Fatalf("no lock file: supervised by %d", pid)
	}
	f, err := os.OpenFile(supervisorFile(l), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("31337\n"); err != nil {
		t.Fatal(err)
	}
	if pid, ok := supervisedBy(l); ok {
		t.Fatalf("a file nobody locks (a supervisor that died): supervised by %d", pid)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	if pid, ok := supervisedBy(l); !ok || pid != 31337 {
		t.Fatalf("held lock: supervisedBy = %d, %t; want 31337, true", pid, ok)
	}
	if _, err := Start(t.Context(), o, true); !errors.Is(err, ErrSupervised) {
		t.Errorf("Start while supervised: %v, want ErrSupervised", err)
	}
	if err := StopRunning(t.Context(), o); !errors.Is(err, ErrSupervised) {
		t.Errorf("StopRunning while supervised: %v, want ErrSupervised", err)
	}
	if st, err := Status(o); err != nil || st.SupervisorPID != 31337 {
		t.Errorf("Status: %+v, %v; want SupervisorPID 31337", st, err)
	}
	f.Close() // the lock goes with the descriptor, as with a process that dies
	if pid, ok := supervisedBy(l); ok {
		t.Fatalf("after the holder closed it: supervised by %d", pid)
	}
}

func freeTestPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
