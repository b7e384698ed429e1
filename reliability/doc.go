// Package reliability holds policygraph's fault-injection tests; it has no code of its own.
// The tests start their own Neo4j (the local launcher, package neo4jlocal, on a free port
// with a temporary data directory) so that they can kill and restart it without disturbing
// the shared test database:
//
//   - TestKillNeo4jMidIngest: SIGKILL Neo4j in the middle of ingesting a generated corpus;
//     after a restart every document is wholly present or wholly absent, and a second ingest
//     completes the corpus, reporting the documents written before the kill as unchanged.
//   - TestNeo4jRestartWhileServing: stop Neo4j under the API; requests fail fast with
//     UNAVAILABLE, /readyz answers 503, and the same server answers again within seconds of
//     Neo4j's return.
//   - TestSIGTERMDrainsInFlight: the built binary under load receives SIGTERM; requests in
//     flight finish, new connections are refused, and the process exits within 10 s.
//   - TestBundleBackupRestore: `policygraph export --format bundle` of a curated graph (edits,
//     retractions, a merge), wiped and re-ingested with `policygraph ingest`, gives back the
//     same live nodes, relationships, properties and provenance.
//   - TestProcessTreeNeverOrphaned: `make run`, SIGKILL its launcher, `policygraph neo4j start
//     --detach`, Ctrl-C: run restarts its launcher, the detached start reports that one, and
//     after Ctrl-C nothing runs, no pid file is left and `neo4j start` works again.
//   - TestReadYourWritesAcrossReplicas: two `policygraph serve` processes on one Neo4j; a write
//     through one answers its bookmark (X-Neo4j-Bookmark), a read through the other with it
//     sees the write; JWTs with an unstorable sub or without iss/aud are refused with 401.
//
// They need Java 17+ and Maven (for the launcher) and are skipped with -short.
package reliability
