// Package graph implements policygraph's GraphQL API (schema.graphqls at the module root):
// thin resolvers that read from a Store, per-request dataloaders for the fields of nodes,
// per-field complexity costs and the operation limits (depth, aliases, argument caps, string
// sizes). Mutations and the audit trail go through a Curator (package curate) and are marked
// @requiresRole in the schema; the directive checks the caller's role (package auth) on each
// field, behind the server's gate for the whole operation.
//
// # Layout
//
// The SDL is split by domain under graph/schema/*.graphqls (schema.graphqls: the core types;
// nodes, search, views, support, lineage, audit, curation, documents, conditions); the
// module root's schema.graphqls is their concatenation, the served schema. `go generate
// ./graph` runs sdlcat and gqlgen (gqlgen.yml) into graph/generated (executable schema) and
// graph/gqlmodel (models), never edited by hand. The resolvers follow the schema files:
// graph/<file>.resolvers.go holds those of graph/schema/<file>.graphqls (bodies of one to a
// dozen lines, the shared parts in the files named by what they do), the mapping
// from store values to models in convert.go, the relationship fields' table in
// relations.go, costs in complexity.go, caps and depth in limits.go.
//
// # Round trips: dataloaders, not one compiled Cypher query
//
// Root fields make one store call each. Every field of a node that needs more data —
// relationship connections (Policy.supports, Enterprise.supportedBy, Node.relations …),
// quantities, and Provenance.document — goes through the request's dataloaders
// (package loader, reached with loader.For(ctx)): the loads made by all resolvers of one
// nesting level within the batch window (GRAPHQL_LOADER_WAIT, default 2ms) become one store call,
// UNWIND $ids in Cypher. Relationship fields batch per distinct filter. Nodes read by one
// query (a page, the other end of an edge, a path) prime the node loader, so provenance
// documents and SupportPath ends usually cost nothing. A request's round trips are thus
// bounded by its shape: `nodes(first: 60) { … on Enterprise { supportedBy { … } } }` costs
// 2 (ListNodes, EdgesOf), measured on the Changning graph by TestNestedQueryRoundTrips;
// adding quantities, provenance documents and a second relationship field costs 4.
//
// Compiling the whole selection into one Cypher query would save the remaining trips and
// the batch window (2ms per nesting level by default; BenchmarkNestedQuery measures 7–20ms per
// request with a 2ms window and 25–40ms with 10ms on a loaded 2-core machine), but it
// needs a selection-to-Cypher compiler that handles fragments on ten concrete types,
// per-field filters, sorting and pagination inside nested collects, and it would move query
// shape decisions out of the store's named, EXPLAIN-tested queries. The dataloaders keep
// every query a fixed, plan-tested statement; they were kept. Under heavy CPU load a batch
// can split when resolver goroutines start later than the window: the answer stays the
// same and costs one more round trip.
//
// # Direct views
//
// FastViews (fastview.go) writes the answers of neighborhood, lineage and shortestPath,
// and pages of nodes, straight to JSON when they select only outline fields — the shape
// every graph drawing and list asks for — skipping gqlgen's per-field marshalling, which
// profiled at about 40 % of the API's CPU on a 200-node view. It makes the same read as
// the resolver, and a test compares its bytes with gqlgen's (bench/PROPOSALS.md P15, P16).
//
// # Limits
//
// Limits.Extension rejects an operation before it runs when an argument is out of range
// (first, limit, maxHops, maxDepth, depth → BAD_USER_INPUT), when a string argument is longer
// than MaxStringBytes (BAD_USER_INPUT), or when it nests deeper than MaxDepth or has more than
// MaxAliases aliased fields (COMPLEXITY_LIMIT). Complexity prices a list field at its page size times its
// children, so the server's complexity limit bounds the rows a request can touch.
package graph
