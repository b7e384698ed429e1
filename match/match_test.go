package match

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/policygraph/policygraph/model"
)

func cond(subject model.Subject, attr, op string, values ...string) model.Condition {
	c := model.Condition{Of: "talentmeasure:x", AppliesTo: subject, Attribute: attr, Operator: op, Values: values}
	c.ID = model.ConditionID(c.Of, c)
	return c
}

func grouped(c model.Condition, g string) model.Condition {
	c.Group = g
	c.ID = model.ConditionID(c.Of, c)
	return c
}

func TestCheckOne(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	s := func(v string) *string { return &v }
	i := func(v int) *int { return &v }
	b := func(v bool) *bool { return &v }
	ent := func(e Enterprise) Profile { return Profile{Enterprise: &e} }
	per := func(p Person) Profile { return Profile{Person: &p} }
	E, P := model.SubjectEnterprise, model.SubjectPerson
	tests := []struct {
		name    string
		p       Profile
		c       model.Condition
		want    Outcome
		wantGiv string
	}{
		{"district met", ent(Enterprise{District: s("长宁区")}), cond(E, "district", "in", "长宁区"), Met, "长宁区"},
		{"district without 区", ent(Enterprise{District: s("长宁")}), cond(E, "district", "in", "长宁区"), Met, "长宁"},
		{"district as id", ent(Enterprise{District: s("place:长宁区")}), cond(E, "district", "in", "长宁区"), Met, "place:长宁区"},
		{"district unmet", ent(Enterprise{District: s("徐汇区")}), cond(E, "district", "in", "长宁区"), Unmet, "徐汇区"},
		{"district not given", ent(Enterprise{}), cond(E, "district", "in", "长宁区"), Unknown, ""},
		{"no enterprise at all", Profile{}, cond(E, "district", "in", "长宁区"), Unknown, ""},
		{"industry any", ent(Enterprise{Industries: []string{"金融", "人工智能"}}), cond(E, "industry", "in", "人工智能", "区块链"), Met, "金融、人工智能"},
		{"industry none of", ent(Enterprise{Industries: []string{"金融"}}), cond(E, "industry", "in", "人工智能"), Unmet, "金融"},
		{"industry known empty", ent(Enterprise{Industries: []string{}}), cond(E, "industry", "in", "人工智能"), Unmet, ""},
		{"industry open world", ent(Enterprise{Industries: []string{"金融"}, OpenWorld: true}), cond(E, "industry", "in", "人工智能"), Unknown, "金融"},
		{"qualification quoted", ent(Enterprise{Qualifications: []string{"“专精特新”"}}), cond(E, "qualification", "in", "专精特新"), Met, "“专精特新”"},
		{"qualification all", ent(Enterprise{Qualifications: []string{"高新技术企业"}}), cond(E, "qualification", "all", "高新技术企业", "专精特新"), Unmet, "高新技术企业"},
		{"qualification not", ent(Enterprise{Qualifications: []string{"高新技术企业"}}), cond(E, "qualification", "not", "专精特新"), Met, "高新技术企业"},
		{"degree in", per(Person{Degree: s("博士")}), cond(P, "degree", "in", "博士"), Met, "博士"},
		{"degree other", per(Person{Degree: s("硕士")}), cond(P, "degree", "in", "博士"), Unmet, "硕士"},
		{"degree at least", per(Person{Degree: s("博士")}), cond(P, "degree", ">=", "硕士"), Met, "博士"},
		{"degree synonym", per(Person{Degree: s("学士")}), cond(P, "degree", "in", "本科"), Met, "学士"},
		{"degree unplaceable", per(Person{Degree: s("MBA")}), cond(P, "degree", "in", "硕士"), Unknown, "MBA"},
		{"years worked short", per(Person{YearsWorked: f(0.5)}), cond(P, "yearsWorked", ">=", "1"), Unmet, "0.5"},
		{"years worked enough", per(Person{YearsWorked: f(2)}), cond(P, "yearsWorked", ">=", "2"), Met, "2"},
		{"years worked not given", per(Person{Degree: s("硕士")}), cond(P, "yearsWorked", ">=", "1"), Unknown, ""},
		{"age under", per(Person{Age: i(34)}), cond(P, "age", "<", "35"), Met, "34"},
		{"age over", per(Person{Age: i(35)}), cond(P, "age", "<", "35"), Unmet, "35"},
		{"employees", ent(Enterprise{Employees: i(120)}), cond(E, "employees", "<=", "500"), Met, "120"},
		{"revenue", ent(Enterprise{RevenueCNY: f(2e8)}), cond(E, "revenue", "<", "1e8"), Unmet, "200000000"},
		{"founded after", ent(Enterprise{FoundedOn: s("2021-03-01")}), cond(E, "foundedOn", ">=", "2020-01-01"), Met, "2021-03-01"},
		{"founded before", ent(Enterprise{FoundedOn: s("2019-12-31")}), cond(E, "foundedOn", ">=", "2020-01-01"), Unmet, "2019-12-31"},
		{"founded year only cannot be ordered", ent(Enterprise{FoundedOn: s("2020")}), cond(E, "foundedOn", ">=", "2020-06-01"), Unknown, "2020"},
		{"returned from abroad", per(Person{ReturnedFromAbroad: b(true)}), cond(P, "returnedFromAbroad", "eq", "true"), Met, "true"},
		{"not returned", per(Person{ReturnedFromAbroad: b(false)}), cond(P, "returnedFromAbroad", "eq", "true"), Unmet, "false"},
		{"project criterion is never known", ent(Enterprise{District: s("长宁区")}), cond(model.SubjectProject, "criterion", "in", "符合区域人才发展导向"), Unknown, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckOne(tt.p, tt.c)
			if got.Outcome != tt.want {
				t.Errorf("outcome %d, want %d", got.Outcome, tt.want)
			}
			giv := ""
			if got.Given != nil {
				giv = *got.Given
			}
			if giv != tt.wantGiv {
				t.Errorf("given %q, want %q", giv, tt.wantGiv)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	s := func(v string) *string { return &v }
	f := func(v float64) *float64 { return &v }
	E, P := model.SubjectEnterprise, model.SubjectPerson
	master := Measure{ID: "talentmeasure:硕士", Conditions: []model.Condition{
		cond(P, "degree", "in", "硕士"), cond(P, "yearsWorked", ">=", "1"),
		cond(E, "qualification", "in", "高新技术企业"),
	}}
	anyInd := Measure{ID: "program:场景", Conditions: []model.Condition{
		cond(E, "district", "in", "长宁区"),
		grouped(cond(E, "industry", "in", "人工智能"), "tech"), grouped(cond(E, "industry", "in", "区块链"), "tech"),
	}}
	tests := []struct {
		name                string
		p                   Profile
		m                   Measure
		ok                  bool
		status              Status
		met, unmet, unknown int
	}{
		{"eligible", Profile{Person: &Person{Degree: s("硕士"), YearsWorked: f(3)}, Enterprise: &Enterprise{Qualifications: []string{"高新技术企业"}}}, master, true, Eligible, 3, 0, 0},
		{"partial: one year short", Profile{Person: &Person{Degree: s("硕士"), YearsWorked: f(0.5)}}, master, true, Partial, 1, 1, 1},
		{"unknown: nothing failed", Profile{Person: &Person{Degree: s("硕士")}}, master, true, Unsure, 1, 0, 2},
		{"unknown: nothing given", Profile{}, master, true, Unsure, 0, 0, 3},
		{"no fit: all given fail", Profile{Person: &Person{Degree: s("博士"), YearsWorked: f(0)}, Enterprise: &Enterprise{Qualifications: []string{}}}, master, false, "", 0, 3, 0},
		{"any of a group", Profile{Enterprise: &Enterprise{District: s("长宁区"), Industries: []string{"区块链"}}}, anyInd, true, Eligible, 2, 0, 0},
		{"group unmet lists both", Profile{Enterprise: &Enterprise{District: s("长宁区"), Industries: []string{"金融"}}}, anyInd, true, Partial, 1, 2, 0},
		{"no conditions: no fit", Profile{}, Measure{ID: "x"}, false, "", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := Evaluate(tt.p, tt.m)
			if ok != tt.ok {
				t.Fatalf("ok %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			got := []any{r.Status, len(r.Met), len(r.Unmet), len(r.Unknown)}
			want := []any{tt.status, tt.met, tt.unmet, tt.unknown}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestRank(t *testing.T) {
	s := func(v string) *string { return &v }
	P := model.SubjectPerson
	f := func(v float64) *float64 { return &v }
	mk := func(id string, cs []model.Condition, qs ...model.Quantity) Measure {
		return Measure{ID: id, Conditions: cs, Benefits: qs}
	}
	cap := func(v float64) model.Quantity { return model.Quantity{Value: v, Max: &v, Unit: "CNY", Qualifier: "<="} }
	total := model.Quantity{Value: 1.85e8, Unit: "CNY"} // a total spent, not a benefit
	ms := []Measure{
		mk("a:partial", []model.Condition{cond(P, "degree", "in", "硕士"), cond(P, "yearsWorked", ">=", "1")}),
		mk("b:unknown-small", []model.Condition{cond(P, "returnedFromAbroad", "eq", "true")}, cap(1000)),
		mk("c:eligible", []model.Condition{cond(P, "degree", ">=", "硕士")}),
		mk("d:unknown-big", []model.Condition{cond(P, "age", "<", "35")}, cap(45000), total),
		mk("e:nofit", []model.Condition{cond(P, "degree", "in", "博士")}),
	}
	p := Profile{Person: &Person{Degree: s("硕士"), YearsWorked: f(0.5)}}
	var got []string
	for _, r := range Rank(p, ms, 0) {
		got = append(got, r.Measure.ID+" "+string(r.Status))
	}
	want := []string{"c:eligible ELIGIBLE", "d:unknown-big UNKNOWN", "b:unknown-small UNKNOWN", "a:partial PARTIAL"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
	if n := len(Rank(p, ms, 2)); n != 2 {
		t.Errorf("first 2: got %d", n)
	}
	if b := LargestBenefit([]model.Quantity{total}); b != 0 {
		t.Errorf("a total counted as a benefit: %v", b)
	}
}
