package server

import (
	"log/slog"
	"runtime/debug"
)

// Garbage-collector defaults of the API process, used when GOGC or GOMEMLIMIT is unset.
//
// A GraphQL request allocates a few kilobytes that die with it (gqlgen's execution state,
// driver records, JSON); at Go's default GOGC=100 the collector ran for about 11 % of the
// API's CPU in a profile of node reads at concurrency 8 on the large benchmark graph, and
// GOGC=400 served about 20 % more requests per second there (bench/README.md). The memory
// limit keeps the heap that GOGC=400 lets grow under the 150 MB budget: past it the
// collector runs as often as it must (the runtime caps that at half the CPU).
const (
	DefaultGOGC       = 400
	DefaultMemLimitMB = 100
)

// TuneRuntime applies DefaultGOGC and DefaultMemLimitMB unless the environment sets GOGC or
// GOMEMLIMIT (the Go runtime has read those already) and logs what is in force.
func TuneRuntime(getenv func(string) string, log *slog.Logger) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(DefaultGOGC)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(DefaultMemLimitMB << 20)
	}
	gc := debug.SetGCPercent(-1)
	debug.SetGCPercent(gc)
	log.Debug("runtime", "gogc", gc, "memLimitMB", debug.SetMemoryLimit(-1)>>20)
}
