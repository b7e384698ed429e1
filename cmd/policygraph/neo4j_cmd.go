package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/policygraph/policygraph/neo4jlocal"
)

// runNeo4j manages the local Neo4j launcher: start (foreground, or --detach), stop, status.
func runNeo4j(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"neo4j: want start, stop or status"}
	}
	fs := flag.NewFlagSet("neo4j "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	detach := fs.Bool("detach", false, "start in the background and return once ready")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	e, err := loadEnv()
	if err != nil {
		return err
	}
	o := e.localOptions()
	switch args[0] {
	case "start":
		start := time.Now()
		if *detach {
			// Reuses an instance that already runs for this data dir; locked against a
			// concurrent start.
			st, err := neo4jlocal.EnsureRunning(ctx, o)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "neo4j ready at %s after %s (pid %d, data %s)\n", st.BoltURI, time.Since(start).Round(time.Millisecond), st.PID, st.DataDir)
			return nil
		}
		if st, err := neo4jlocal.Status(o); err == nil && st.Running {
			fmt.Fprintf(stdout, "neo4j already running: %s (pid %d, data %s)\n", st.BoltURI, st.PID, st.DataDir)
			return nil
		}
		p, err := neo4jlocal.Supervise(ctx, o)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "neo4j ready at %s after %s (pid %d, data %s)\n", o.BoltURI(), time.Since(start).Round(time.Millisecond), p.PID(), o.DataDir)
		fmt.Fprintln(stdout, "press Ctrl-C to stop")
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
		defer cancel()
		return p.Stop(sctx)
	case "stop":
		if err := neo4jlocal.StopRunning(ctx, o); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "neo4j stopped")
		return nil
	case "status":
		st, err := neo4jlocal.Status(o)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, describeState(st))
		if !st.Running {
			return fmt.Errorf("not running")
		}
		return nil
	}
	return usageError{fmt.Sprintf("neo4j: unknown action %q (want start, stop or status)", args[0])}
}

// describeState is the one line `neo4j status` prints: what runs, its pid, who supervises it,
// and whether its pid file was lost.
func describeState(st neo4jlocal.State) string {
	var b strings.Builder
	switch {
	case st.Running:
		fmt.Fprintf(&b, "neo4j running: %s (pid %d, data %s)", st.BoltURI, st.PID, st.DataDir)
	case st.PID != 0:
		fmt.Fprintf(&b, "neo4j not ready: launcher pid %d is starting or stopping (data %s)", st.PID, st.DataDir)
	default:
		fmt.Fprintf(&b, "neo4j not running (data %s)", st.DataDir)
	}
	if st.Orphan {
		b.WriteString("; its pid file was lost (found through the Bolt port)")
	}
	if st.SupervisorPID != 0 {
		fmt.Fprintf(&b, "; run by policygraph pid %d, which restarts it", st.SupervisorPID)
	}
	return b.String()
}
