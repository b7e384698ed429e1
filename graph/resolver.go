package graph

//go:generate go run ./schema/sdlcat ../schema.graphqls
//go:generate go run -C .. github.com/99designs/gqlgen generate

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/policygraph/policygraph/graph/generated"
	sdl "github.com/policygraph/policygraph/graph/schema"
)

// served is the schema the executor serves and introspection shows: the root schema.graphqls,
// i.e. the generated schema without gqlgen's codegen directive (@goField).
var served = mustServed()

func mustServed() *ast.Schema {
	s, err := sdl.Served()
	if err != nil {
		panic(err) // the embedded SDL is the one gqlgen generated from; tests parse it too
	}
	return s
}

// Resolver is the dependency struct of the GraphQL resolvers. Resolvers read the store
// directly for root fields and through the request's dataloaders (loader.For) for fields
// of nodes, so the round trips of a request are bounded by its shape. Mutations and the
// audit trail go through Curator.
type Resolver struct {
	Store Store
	// Curator performs the mutations; nil: they answer UNAVAILABLE.
	Curator Curator
}

// NewExecutableSchema returns the read-only executable schema over s (mutations answer
// UNAVAILABLE) with the per-field complexity functions of Complexity.
func NewExecutableSchema(s Store) graphql.ExecutableSchema {
	return Schema(&Resolver{Store: s})
}

// Schema returns the executable schema over r's dependencies, with the per-field complexity
// functions of Complexity and the @requiresRole directive checking the caller's role.
func Schema(r *Resolver) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Schema:     served,
		Resolvers:  r,
		Complexity: Complexity(),
		Directives: generated.DirectiveRoot{RequiresRole: requireRole},
	})
}

// Compile-time checks that the resolvers implement the generated interfaces.
var (
	_ generated.ResolverRoot          = (*Resolver)(nil)
	_ generated.QueryResolver         = (*queryResolver)(nil)
	_ generated.MutationResolver      = (*mutationResolver)(nil)
	_ generated.ProvenanceResolver    = (*provenanceResolver)(nil)
	_ generated.PolicyResolver        = (*policyResolver)(nil)
	_ generated.ProgramResolver       = (*programResolver)(nil)
	_ generated.EnterpriseResolver    = (*enterpriseResolver)(nil)
	_ generated.AllianceResolver      = (*allianceResolver)(nil)
	_ generated.TalentMeasureResolver = (*talentMeasureResolver)(nil)
	_ generated.OrganizationResolver  = (*organizationResolver)(nil)
	_ generated.PlaceResolver         = (*placeResolver)(nil)
	_ generated.IndustryResolver      = (*industryResolver)(nil)
	_ generated.PersonResolver        = (*personResolver)(nil)
	_ generated.DocumentResolver      = (*documentResolver)(nil)
)
