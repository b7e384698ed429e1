// Package graph implements policygraph's GraphQL API (schema.graphqls at the module root):
// thin resolvers that read from a Store, per-request dataloaders for relationship fields,
// per-field complexity costs and the operation limits (depth and argument caps).
package graph
