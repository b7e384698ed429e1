package neo4jlocal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Build compiles the launcher with Maven (mvn -B -q -f neo4j-local/pom.xml package -DskipTests)
// when neo4j-local/target/ is missing or older than the sources or pom.xml; otherwise it does
// nothing. It fails with ErrToolMissing when java (17+) or mvn is not on PATH. Concurrent
// builds of the same repository, from any process, are serialised by a lock file.
func Build(ctx context.Context, o Options) error {
	o, err := o.WithDefaults()
	if err != nil {
		return err
	}
	_, err = build(ctx, o)
	return err
}

// build is Build for options with defaults applied; it returns the java binary it checked.
func build(ctx context.Context, o Options) (string, error) {
	java, err := javaPath(ctx)
	if err != nil {
		return "", err
	}
	return java, buildWith(ctx, o)
}

func buildWith(ctx context.Context, o Options) error {
	l := layoutOf(o)
	stale, why, err := needsBuild(l)
	if err != nil {
		return err
	}
	if !stale {
		return nil
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return fmt.Errorf("neo4jlocal: mvn not found on PATH: install Maven 3.8+ (e.g. apt-get install maven): %w", ErrToolMissing)
	}

	unlock, err := lockFile(ctx, buildLockPath(o.RepoDir))
	if err != nil {
		return err
	}
	defer unlock()
	// Another process may have built while we waited for the lock.
	if stale, _, err = needsBuild(l); err != nil || !stale {
		return err
	}

	o.Logger.InfoContext(ctx, "building neo4j-local launcher with Maven", "reason", why, "pom", l.pom)
	start := time.Now()
	cmd := exec.CommandContext(ctx, mvn, "-B", "-q", "-f", l.pom, "package", "-DskipTests")
	cmd.Dir = o.RepoDir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("neo4jlocal: maven build interrupted: %w", ctx.Err())
		}
		return fmt.Errorf("neo4jlocal: mvn package of %s failed: %w\n%s", l.pom, err, lastLines(out.String(), 25))
	}
	if err := os.WriteFile(l.stamp, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644); err != nil {
		return fmt.Errorf("neo4jlocal: write build stamp: %w", err)
	}
	o.Logger.InfoContext(ctx, "built neo4j-local launcher", "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// needsBuild reports whether the launcher must be (re)built, and why. The build time is the
// later of the stamp that Build writes and the jar's time, so a `mvn package` run by hand or by
// CI counts too (Maven does not rewrite an up-to-date jar, hence the stamp).
func needsBuild(l layout) (bool, string, error) {
	jar, ok := modTime(l.jar)
	if !ok {
		return true, "no previous build", nil
	}
	if _, ok := modTime(l.libDir); !ok {
		return true, "missing " + filepath.Base(l.libDir), nil
	}
	built := jar
	if stamp, ok := modTime(l.stamp); ok && stamp.After(built) {
		built = stamp
	}
	newest, name, err := newestInputs(l)
	if err != nil {
		return false, "", err
	}
	if newest.After(built) {
		return true, name + " changed", nil
	}
	return false, "", nil
}

// modTime returns the modification time of path, and false when it cannot be read.
func modTime(path string) (time.Time, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return time.Time{}, false
	}
	return fi.ModTime(), true
}

// newestInputs returns the latest modification time among pom.xml and the files under src/.
func newestInputs(l layout) (time.Time, string, error) {
	pom, err := os.Stat(l.pom)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("neo4jlocal: %w", err)
	}
	newest, name := pom.ModTime(), "pom.xml"
	err = filepath.WalkDir(l.srcDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.ModTime().After(newest) {
			newest, name = info.ModTime(), path
		}
		return nil
	})
	if err != nil {
		return time.Time{}, "", fmt.Errorf("neo4jlocal: scan launcher sources: %w", err)
	}
	return newest, filepath.Base(name), nil
}

var javaVersionRE = regexp.MustCompile(`version "(\d+)(?:\.(\d+))?`)

// javaPath finds java on PATH and checks that it is Java 17 or newer.
func javaPath(ctx context.Context) (string, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return "", fmt.Errorf("neo4jlocal: java not found on PATH: install a Java 17+ JDK (e.g. apt-get install openjdk-17-jdk-headless): %w", ErrToolMissing)
	}
	out, err := exec.CommandContext(ctx, java, "-version").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("neo4jlocal: %s -version: %w: %s", java, err, strings.TrimSpace(string(out)))
	}
	major, ok := parseJavaMajor(string(out))
	if ok && major < 17 {
		return "", fmt.Errorf("neo4jlocal: %s is Java %d, Neo4j 5.26 needs Java 17 or 21: install a Java 17+ JDK (e.g. apt-get install openjdk-17-jdk-headless): %w",
			java, major, ErrToolMissing)
	}
	return java, nil
}

// parseJavaMajor reads the major version from `java -version` output ("1.8.0_x" is 8).
func parseJavaMajor(out string) (int, bool) {
	m := javaVersionRE.FindStringSubmatch(out)
	if m == nil {
		return 0, false
	}
	major, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, false
	}
	if major == 1 && m[2] != "" {
		minor, err := strconv.Atoi(m[2])
		if err != nil {
			return 0, false
		}
		return minor, true
	}
	return major, true
}

func buildLockPath(repoDir string) string {
	sum := sha256.Sum256([]byte(repoDir))
	return filepath.Join(os.TempDir(), "policygraph-neo4jlocal-build-"+hex.EncodeToString(sum[:6])+".lock")
}

// lockFile takes an exclusive flock on path, waiting until ctx is done. The returned function
// releases it.
func lockFile(ctx context.Context, path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("neo4jlocal: lock %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("neo4jlocal: lock %s: %w", path, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				_ = f.Close()
			}, nil
		}
		if err != syscall.EWOULDBLOCK && err != syscall.EINTR {
			_ = f.Close()
			return nil, fmt.Errorf("neo4jlocal: lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("neo4jlocal: waiting for lock %s: %w", path, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// lastLines returns the last n non-empty lines of s, indented for quoting in an error.
func lastLines(s string, n int) string {
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) != "" {
			lines = append(lines, "  "+strings.TrimRight(line, "\r"))
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
