package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/policygraph/policygraph/store"
	"github.com/policygraph/policygraph/storetest"
)

// TestMergeMovesConditions merges measures of the Changning graph that require conditions:
// the loser's conditions follow the survivor (REQUIRES, of, the calculator's candidates),
// one equal to a condition of the survivor joins it instead of doubling it, and a group of
// alternatives stays a group of its own.
func TestMergeMovesConditions(t *testing.T) {
	s := storetest.Open(t)
	storetest.SeedChangning(t, s)
	ctx := context.Background()
	ada := store.Actor{Name: "ada", Role: "admin"}
	// describe lists an entity's conditions as "attribute operator values [group]".
	describe := func(id string) []string {
		t.Helper()
		got, err := s.ConditionsOf(ctx, []string{id})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range got[id] {
			if c.Of != id {
				t.Errorf("condition %s of %s says of=%s", c.ID, id, c.Of)
			}
			d := c.Attribute + " " + c.Operator + " " + strings.Join(c.Values, ",")
			if c.Group != "" {
				d += " [" + c.Group + "]"
			}
			out = append(out, d)
		}
		slices.Sort(out)
		return out
	}
	cases := []struct {
		name, keep, merge string
		moved, combined   int
		want              []string
	}{
		{name: "equal conditions combine", keep: "talentmeasure:博士直接落户", merge: "talentmeasure:硕士工作满一年落户",
			moved: 2, combined: 2, want: []string{
				"degree in 博士", "degree in 硕士", "district in 长宁区", "qualification in 高新技术企业", "yearsWorked >= 1"}},
		{name: "a group moves whole", keep: "talentmeasure:留学回国人才落户", merge: "talentmeasure:虹桥海外人才一站式服务",
			moved: 2, want: []string{
				"returnedFromAbroad eq true", "returnedFromAbroad eq true [海外人才]", "talentTitle in 海外人才 [海外人才]"}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.MergeEntities(ctx, ada, tt.keep, tt.merge, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if res.MovedConditions != tt.moved || res.CombinedConditions != tt.combined {
				t.Errorf("moved %d, combined %d conditions; want %d, %d", res.MovedConditions, res.CombinedConditions, tt.moved, tt.combined)
			}
			if got := describe(tt.keep); !slices.Equal(got, tt.want) {
				t.Errorf("conditions of %s after the merge:\n got %q\nwant %q", tt.keep, got, tt.want)
			}
			if got := describe(tt.merge); len(got) != 0 {
				t.Errorf("the merged-away %s still requires %q", tt.merge, got)
			}
			cands, err := s.MatchCandidates(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cands {
				if c.ID == tt.merge {
					t.Errorf("the calculator still ranks the merged-away %s", tt.merge)
				}
				if c.ID == tt.keep && len(c.Conditions) != len(tt.want) {
					t.Errorf("the calculator sees %d conditions of %s, want %d", len(c.Conditions), tt.keep, len(tt.want))
				}
			}
		})
	}
}
