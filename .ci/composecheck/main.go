// Command composecheck validates a Compose file the way `docker compose config -q` does, with
// the compose-spec loader that Docker Compose v2 uses (schema, interpolation, references). CI
// runs it when no docker compose CLI is installed.
//
// Usage: go run . ../../docker-compose.yml
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "composecheck:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, files []string) error {
	if len(files) == 0 {
		return fmt.Errorf("usage: composecheck FILE...")
	}
	opts, err := cli.NewProjectOptions(files, cli.WithOsEnv, cli.WithDotEnv, cli.WithName("policygraph"))
	if err != nil {
		return fmt.Errorf("options: %w", err)
	}
	p, err := opts.LoadProject(ctx)
	if err != nil {
		return fmt.Errorf("load %v: %w", files, err)
	}
	fmt.Printf("%s: valid, services %v\n", files[0], p.ServiceNames())
	return nil
}
