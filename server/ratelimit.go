package server

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/policygraph/policygraph/fault"
)

// rateLimiter is a token bucket per client: each holds up to burst tokens, refilled at rps
// per second; a request takes one. Buckets that have refilled completely are forgotten, so
// memory is bounded by the clients active in the last burst/rps seconds (and by maxClients).
type rateLimiter struct {
	rps, burst float64
	trusted    []netip.Prefix
	now        func() time.Time

	mu        sync.Mutex
	buckets   map[netip.Addr]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxClients bounds the table; past it every full bucket is dropped at once.
const maxClients = 100_000

func newRateLimiter(rps float64, burst int, trusted []netip.Prefix) *rateLimiter {
	return &rateLimiter{rps: rps, burst: float64(max(burst, 1)), trusted: trusted, now: time.Now,
		buckets: map[netip.Addr]*bucket{}}
}

// allow takes a token of client's bucket. When there is none it reports how long until
// there is one.
func (l *rateLimiter) allow(client netip.Addr) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute || len(l.buckets) > maxClients {
		l.sweep(now)
	}
	b, ok := l.buckets[client]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rps)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rps * float64(time.Second))
	return false, wait
}

// sweep forgets the buckets that are full again.
func (l *rateLimiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rps >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// clientAddr is the address a request is charged to: the peer, or — when the peer is a
// trusted proxy — the right-most address of X-Forwarded-For that is not itself a trusted
// proxy (the left-most entries are set by the client and cannot be believed).
func (l *rateLimiter) clientAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv6Unspecified() // unparsable peers share one bucket
	}
	peer = peer.Unmap()
	if !l.isTrusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		a = a.Unmap()
		if !l.isTrusted(a) {
			return a
		}
	}
	return peer
}

func (l *rateLimiter) isTrusted(a netip.Addr) bool {
	for _, p := range l.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// rateLimit answers 429 RATE_LIMITED, with Retry-After in whole seconds, to a client that
// has used up its bucket. Probes and metrics are never limited, so that an orchestrator
// keeps seeing the process while a client floods it.
func rateLimit(l *rateLimiter, next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		ok, wait := l.allow(l.clientAddr(r))
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		rateLimited.Inc()
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		writeGraphQLError(w, fault.ErrRateLimited,
			fmt.Sprintf("too many requests from this client; retry after %ds (RATE_LIMIT_RPS=%g, RATE_LIMIT_BURST=%g)", max(secs, 1), l.rps, l.burst))
	})
}
