package export

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/policygraph/policygraph/fault"
)

// WriteTimeout is how long one export response may take to write.
const WriteTimeout = 10 * time.Minute

// Handler serves GET /export?format=F[&root=ID&depth=N&kinds=K,…&limit=N]: the whole graph,
// or the subgraph within depth hops of root, in format F (cytoscape, graphml, gexf, csv,
// bundle), as an attachment. Bad parameters give 400 and an unknown root 404, each with a JSON
// body {"message": …, "code": …}; only GET and HEAD are allowed. A rooted export that reached
// its limit says so in the header X-Policygraph-Truncated: true. The whole graph is streamed:
// if the store fails midway the connection is aborted, so a client never takes a cut-off file
// for a complete one.
func Handler(src Source) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use GET")
			return
		}
		opts, err := ParseQuery(r.URL.Query())
		if err != nil {
			writeFault(w, err)
			return
		}
		ctx := r.Context()
		g, err := open(ctx, src, opts)
		if err != nil {
			writeFault(w, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", opts.Format.ContentType())
		h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", fileName(opts)))
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		if g.truncated() {
			h.Set("X-Policygraph-Truncated", "true")
		}
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusOK)
			return
		}
		// A whole-graph export may take longer than the server's write timeout, which is sized
		// for API calls: give this response its own deadline (ignored where unsupported).
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(WriteTimeout))
		// Hold back the status until the first byte: an error before it (the store is down
		// during GraphML's first pass, say) is still a proper error response.
		lw := &lazyWriter{w: w}
		bw := bufio.NewWriterSize(lw, 32<<10)
		_, err = writeGraph(ctx, src, g, opts.Format, bw)
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			if !lw.started {
				h.Del("Content-Disposition")
				h.Del("X-Policygraph-Truncated")
				writeFault(w, err)
				return
			}
			panic(http.ErrAbortHandler) // the body is incomplete: make the client see a failure
		}
	})
}

// fileName is the attachment name: policygraph[-ROOT].EXT.
func fileName(o Options) string {
	name := "policygraph"
	if o.Root != "" {
		name += "-" + safeName(strings.ReplaceAll(o.Root, ":", "-"))
	}
	return name + "." + o.Format.Ext()
}

type lazyWriter struct {
	w       http.ResponseWriter
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	l.started = true
	return l.w.Write(p)
}

var _ io.Writer = (*lazyWriter)(nil)

// writeFault answers with the status, code and public message fault assigns to err (the
// messages of unavailable, timeout and internal errors are the table's, not err's).
func writeFault(w http.ResponseWriter, err error) {
	status, msg := fault.HTTPStatus(err), err.Error()
	if public, withheld := fault.Message(err); withheld {
		msg = public
	}
	if errors.Is(err, context.Canceled) {
		status, msg = 499, "request canceled"
	}
	writeError(w, status, fault.Code(err), msg)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg, "code": code})
}
