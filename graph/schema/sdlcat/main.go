// Command sdlcat writes the served schema.graphqls (the concatenation of graph/schema/*.graphqls)
// to the path given as its one argument. `go generate ./graph` runs it before gqlgen.
package main

import (
	"fmt"
	"os"

	"github.com/policygraph/policygraph/graph/schema"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sdlcat OUT.graphqls")
		os.Exit(2)
	}
	b, err := schema.Concat()
	if err == nil {
		err = os.WriteFile(os.Args[1], b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdlcat:", err)
		os.Exit(1)
	}
}
