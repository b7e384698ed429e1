// A small client of policygraph's public GraphQL API (POST /graphql). Every view of the
// explorer is one of these queries.

import { PLACE_FIELDS } from './intake.js';
const SOURCE = `documentId document { id name } ${PLACE_FIELDS} start end quote method confidence`;
// A view's edges come without their sources (which would multiply the query's cost by the
// view's size); edgeSources fetches them when an edge is opened.
const VIEW = `nodes { id kind label properties } edges { id type source target properties method confidence }`;

export class APIError extends Error {}

/** Runs a GraphQL operation and returns its data; errors become APIError. */
export async function gql(query, variables = {}, { signal } = {}) {
  let res;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new APIError('无法连接服务器 (cannot reach the server)');
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new APIError(`服务器返回 ${res.status}`);
  }
  if (body.errors && body.errors.length) {
    throw new APIError(body.errors.map((e) => e.message).join('; '));
  }
  if (!res.ok) throw new APIError(`服务器返回 ${res.status}`);
  return body.data;
}

export const search = (text, signal) =>
  gql(`query Search($text: String!) { search(text: $text, first: 8) { score node { id kind name aliases } } }`, { text }, { signal })
    .then((d) => d.search);

export const neighborhood = (id, depth = 1, limit = 200) =>
  gql(`query Neighborhood($id: ID!, $depth: Int, $limit: Int) { neighborhood(id: $id, depth: $depth, limit: $limit) { ${VIEW} truncated } }`, { id, depth, limit })
    .then((d) => d.neighborhood);

export const lineage = (id, direction) =>
  gql(`query Lineage($id: ID!, $direction: Direction) { lineage(id: $id, direction: $direction) { ${VIEW} truncated } }`, { id, direction })
    .then((d) => d.lineage);

export const shortestPath = (fromId, toId) =>
  gql(`query Shortest($fromId: ID!, $toId: ID!) { shortestPath(fromId: $fromId, toId: $toId) { ${VIEW} } }`, { fromId, toId })
    .then((d) => d.shortestPath);

export const policiesSupporting = (enterpriseId) =>
  gql(`query Why($id: ID!) { policiesSupporting(enterpriseId: $id) { hops policy { id name } enterprise { id name } path { ${VIEW} } } }`, { id: enterpriseId })
    .then((d) => d.policiesSupporting);

export const enterprisesSupportedBy = (policyId) =>
  gql(`query Whom($id: ID!) { enterprisesSupportedBy(policyId: $id) { hops policy { id name } enterprise { id name } path { ${VIEW} } } }`, { id: policyId })
    .then((d) => d.enterprisesSupportedBy);

export const nodeDetails = (id) =>
  gql(`query Node($id: ID!) { node(id: $id) {
      id kind name aliases description method confidence retracted properties
      quantities { id what value unit min max qualifier asOf raw method confidence sources { ${SOURCE} } }
      sources { ${SOURCE} }
    } }`, { id }).then((d) => d.node);

/** The provenance of one relationship, read through its source node's relations. */
export const edgeSources = (edge, targetName) =>
  gql(`query EdgeSources($id: ID!, $types: [RelationType!], $name: String) {
      node(id: $id) { relations(types: $types, direction: OUTGOING, filter: { nameContains: $name }, first: 100) {
        edges { relation { id sources { ${SOURCE} } } } } } }`, { id: edge.source, types: [edge.type], name: targetName })
    .then((d) => (d.node?.relations.edges.find((e) => e.relation.id === edge.id)?.relation.sources) || []);
