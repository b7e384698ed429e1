package model

import (
	"regexp"
	"strings"
	"testing"
)

var upperSnakeRE = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)

func TestSTIPTaxonomies(t *testing.T) {
	tests := []struct {
		name   string
		list   []Taxon
		idPfx  string
		groups []string
		lookup func(string) (Taxon, bool)
	}{
		{
			name:  "instruments",
			list:  STIPInstruments,
			idPfx: "PI",
			groups: []string{STIPGroupGovernance, STIPGroupDirectFinance, STIPGroupIndirectFinance,
				STIPGroupCollaborative, STIPGroupGuidance},
			lookup: STIPInstrument,
		},
		{
			name:  "target groups",
			list:  STIPTargetGroups,
			idPfx: "TG",
			groups: []string{STIPGroupResearchOrgs, STIPGroupResearchers, STIPGroupFirmsBySize,
				STIPGroupFirmsByAge, STIPGroupIntermediary, STIPGroupGovernment, STIPGroupIndividuals,
				STIPGroupSocial},
			lookup: STIPTargetGroup,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.list) == 0 {
				t.Fatal("empty taxonomy")
			}
			codes := map[string]bool{}
			ids := map[string]string{}
			for _, tx := range tc.list {
				if !upperSnakeRE.MatchString(tx.Code) {
					t.Errorf("code %q is not upper snake case", tx.Code)
				}
				if codes[tx.Code] {
					t.Errorf("duplicate code %q", tx.Code)
				}
				codes[tx.Code] = true
				if tx.STIPID != "" {
					if !strings.HasPrefix(tx.STIPID, tc.idPfx) {
						t.Errorf("%s: STIP id %q does not start with %s", tx.Code, tx.STIPID, tc.idPfx)
					}
					if prev, ok := ids[tx.STIPID]; ok {
						t.Errorf("%s: STIP id %s already used by %s", tx.Code, tx.STIPID, prev)
					}
					ids[tx.STIPID] = tx.Code
				}
				if tx.Label == "" || tx.LabelZH == "" {
					t.Errorf("%s: missing label", tx.Code)
				}
				if !contains(tc.groups, tx.Group) {
					t.Errorf("%s: group %q is not a STIP group", tx.Code, tx.Group)
				}
				got, ok := tc.lookup(tx.Code)
				if !ok || got != tx {
					t.Errorf("lookup(%q) = %v, %v; want %v", tx.Code, got, ok, tx)
				}
			}
			if _, ok := tc.lookup("NO_SUCH_CODE"); ok {
				t.Error("lookup of an unknown code succeeded")
			}
		})
	}
}

func TestSTIPKnownCodes(t *testing.T) {
	for code, label := range map[string]string{
		"GRANTS_BUSINESS_RD":      "Grants for business R&D and innovation",
		"NETWORKING_PLATFORMS":    "Networking and collaborative platforms",
		"TECH_EXTENSION_ADVISORY": "Technology extension and business advisory services",
		"LABOUR_MOBILITY":         "Labour mobility regulation and incentives",
		"IP_REGULATION":           "Intellectual property regulation and incentives",
	} {
		tx, ok := STIPInstrument(code)
		if !ok || tx.Label != label {
			t.Errorf("STIPInstrument(%q) = %q, %v; want %q", code, tx.Label, ok, label)
		}
	}
	for _, code := range []string{"FIRMS_ANY", "SME", "START_UPS", "HEI", "PRIS", "FOREIGN_TALENT"} {
		if _, ok := STIPTargetGroup(code); !ok {
			t.Errorf("STIPTargetGroup(%q) not found", code)
		}
	}
}
