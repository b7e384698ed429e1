// The @neo4j/graphql side of policygraph's query benchmark: schema.graphql served by
// @neo4j/graphql v7 behind Apollo Server's standalone HTTP server, as its documentation
// sets it up. Reads NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and PORT (loopback only).
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const typeDefs = readFileSync(new URL("./schema.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(
  process.env.NEO4J_URI ?? "bolt://127.0.0.1:7790",
  neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD ?? ""),
  { maxConnectionPoolSize: 64 },
);
const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
const schema = await neoSchema.getSchema();
const server = new ApolloServer({ schema });
const port = Number(process.env.PORT ?? 4000);
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port },
  context: async () => ({ sessionConfig: { database: "neo4j" } }),
});
console.log(`neo4j-graphql ready at ${url}`);

const stop = async () => {
  await server.stop();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
