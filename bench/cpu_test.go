package bench

import (
	"testing"
	"time"
)

// TestCPUTimes: this process's CPU time grows while it works, and a process that does not
// exist is left out rather than read as zero.
func TestCPUTimes(t *testing.T) {
	before := cpuTimes(map[string]int{"self": 0, "gone": 1 << 30})
	if _, ok := before["gone"]; ok {
		t.Fatal("a missing process was read")
	}
	x := 0
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
		x++
	}
	after := cpuTimes(map[string]int{"self": 0})
	if d := after["self"] - before["self"]; d < 100*time.Millisecond {
		t.Errorf("300 ms of spinning read as %v of CPU (%d)", d, x)
	}
}
