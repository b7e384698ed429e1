package neo4jlocal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// ErrSupervised means another policygraph process runs the launcher for the data directory
// in the foreground (Supervise) and restarts it when it dies: only that process starts or
// stops it.
var ErrSupervised = errors.New("neo4j-local is supervised by another process")

// supervisorFile is flocked by the process that supervises the data directory's launcher for
// as long as it lives, and names its pid. The kernel drops the lock when the process dies, so
// a stale file never counts.
func supervisorFile(l layout) string {
	return filepath.Join(filepath.Dir(l.pidFile), "supervisor.lock")
}

// supervisedBy returns the pid of the process that supervises l's launcher, if any.
func supervisedBy(l layout) (int, bool) {
	f, err := os.Open(supervisorFile(l))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return 0, false
	}
	b := make([]byte, 32)
	n, _ := f.Read(b)
	pid, ok := positiveInt(string(b[:n]))
	if !ok {
		pid = -1 // held, owner unknown
	}
	return pid, true
}

// Supervisor runs a launcher in the foreground for as long as its context lives: when the
// launcher dies without being asked to (a SIGKILL, an out-of-memory exit), it starts it again on
// the same data directory, and a `policygraph neo4j start` from elsewhere meanwhile waits for
// that restart (EnsureRunning) or is refused (Start, StopRunning: ErrSupervised), so a
// launcher started by someone else is never left running when the supervisor stops. Stop ends
// the launcher it runs at that moment.
type Supervisor struct {
	o        Options
	lock     *os.File
	mu       sync.Mutex
	p        *Process
	stopping bool
	restarts int
	life     context.Context
	end      context.CancelFunc
	done     chan struct{}
}

// RestartBackoff is the first wait before a supervised launcher that died is started again;
// it doubles after each failed start, up to a minute.
var RestartBackoff = time.Second

// Supervise takes the data directory's supervisor lock (ErrSupervised when another process
// holds it), starts the launcher in the foreground (Start with detach false; ctx bounds the
// start only) and keeps it running until Stop.
func Supervise(ctx context.Context, o Options) (*Supervisor, error) {
	o, err := o.WithDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("neo4jlocal: create data dir: %w", err)
	}
	l := layoutOf(o)
	f, err := os.OpenFile(supervisorFile(l), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("neo4jlocal: open supervisor lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		pid, _ := supervisedBy(l)
		return nil, fmt.Errorf("neo4jlocal: policygraph pid %d already runs the launcher for %s: %w", pid, o.DataDir, ErrSupervised)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	life, end := context.WithCancel(context.WithoutCancel(ctx))
	s := &Supervisor{o: o, lock: f, life: life, end: end, done: make(chan struct{})}
	unwatch := context.AfterFunc(ctx, end) // Ctrl-C during the first start aborts it
	p, err := s.start(life)
	unwatch()
	if err != nil {
		end()
		s.release()
		return nil, err
	}
	s.p = p
	go s.watch()
	return s, nil
}

// start starts the launcher under the start lock, without the supervisor check (we hold it).
func (s *Supervisor) start(ctx context.Context) (*Process, error) {
	unlock, err := lockFile(ctx, layoutOf(s.o).lockFile)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return start(ctx, s.o, false)
}

// watch restarts the launcher whenever it exits while the supervisor is not stopping.
func (s *Supervisor) watch() {
	defer close(s.done)
	backoff := RestartBackoff
	for {
		s.mu.Lock()
		p := s.p
		s.mu.Unlock()
		select {
		case <-s.life.Done():
			return
		case <-p.Done():
		}
		s.mu.Lock()
		stopping := s.stopping
		s.mu.Unlock()
		if stopping {
			return
		}
		s.o.Logger.WarnContext(s.life, "neo4j-local exited unexpectedly; starting it again", "pid", p.PID(), "err", p.Wait())
		for {
			np, err := s.start(s.life)
			if err == nil {
				s.mu.Lock()
				s.p, s.restarts = np, s.restarts+1
				stop := s.stopping
				s.mu.Unlock()
				if stop { // Stop came while it started: it is ours to end
					_ = np.Stop(context.Background())
					return
				}
				s.o.Logger.InfoContext(s.life, "neo4j-local restarted", "pid", np.PID(), "uri", np.BoltURI())
				backoff = RestartBackoff
				break
			}
			if s.life.Err() != nil {
				return
			}
			s.o.Logger.ErrorContext(s.life, "restarting neo4j-local failed; trying again", "err", err, "in", backoff)
			select {
			case <-s.life.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Minute)
		}
	}
}

// PID returns the pid of the launcher running now.
func (s *Supervisor) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p.PID()
}

// Restarts returns how many times the launcher was started again after dying.
func (s *Supervisor) Restarts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarts
}

// Stop ends supervision and stops the launcher running now (Process.Stop), then releases the
// supervisor lock. It is idempotent.
func (s *Supervisor) Stop(ctx context.Context) error {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		<-s.done
		return nil
	}
	s.stopping = true
	p := s.p
	s.mu.Unlock()
	err := p.Stop(ctx)
	s.end() // aborts a restart in progress (its Start stops what it started)
	<-s.done
	s.mu.Lock()
	if s.p != p { // a restart finished between our read and the stop
		err = errors.Join(err, s.p.Stop(ctx))
	}
	s.mu.Unlock()
	s.release()
	return err
}

func (s *Supervisor) release() {
	_ = syscall.Flock(int(s.lock.Fd()), syscall.LOCK_UN)
	_ = s.lock.Close()
}
