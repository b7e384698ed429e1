// Package match is the policy calculator's logic: it checks a profile (an enterprise and a
// person working there) against the typed conditions of measures and ranks the measures.
// It is pure: no storage, no transport. A value the profile does not give is UNKNOWN, never
// guessed; a profile read from the graph is open-world (a recognition the graph does not
// record may still exist), so there a missing name is UNKNOWN too, not unmet.
package match

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/policygraph/policygraph/model"
)

// Enterprise is what is known of an enterprise. A nil field is not known.
type Enterprise struct {
	District       *string
	Industries     []string // nil: not known; empty: known to be none
	Qualifications []string
	Ownership      *string
	Employees      *int
	RevenueCNY     *float64
	RDShare        *float64 // percent
	FoundedOn      *string  // ISO date
	// OpenWorld marks a profile read from the graph: a name missing from Industries or
	// Qualifications is unknown rather than absent.
	OpenWorld bool
}

// Person is what is known of a person. A nil field is not known.
type Person struct {
	Degree             *string
	YearsWorked        *float64
	Age                *int
	ReturnedFromAbroad *bool
	TalentTitles       []string
}

// Profile is the applicant: an enterprise, a person (employed there), or both.
type Profile struct {
	Enterprise *Enterprise
	Person     *Person
}

// Outcome is the result of checking one condition.
type Outcome int

// Outcomes of one condition.
const (
	Unknown Outcome = iota
	Met
	Unmet
)

// Status of a measure for a profile.
type Status string

// Statuses, in ranking order.
const (
	Eligible Status = "ELIGIBLE" // every condition met
	Partial  Status = "PARTIAL"  // some met, some not met
	Unsure   Status = "UNKNOWN"  // none failed, some not known
)

// Check is one condition checked against the profile.
type Check struct {
	Condition model.Condition
	Given     *string // the profile's value as compared, nil when not given
	Outcome   Outcome
}

// Measure is what the matcher ranks: an entity with its conditions and benefit figures.
type Measure struct {
	ID         string
	Name       string
	Conditions []model.Condition
	Benefits   []model.Quantity
}

// Result is one measure's verdict.
type Result struct {
	Measure             Measure
	Status              Status
	Met, Unmet, Unknown []Check
	Benefit             float64 // largest CNY benefit, 0 when none
	excluded            bool
}

// IsBenefit reports whether a figure is a benefit an applicant receives: a cap (最高, 最长,
// 不超过 …) or a range (10-40万元). Totals such as 累计投入资金1.85亿元 are not.
func IsBenefit(q model.Quantity) bool {
	return q.Max != nil || q.Min != nil || q.Qualifier == "<=" || q.Qualifier == "<"
}

// Evaluate checks one measure. Conditions sharing a group are alternatives; groups are all
// required. A group is met when one of its conditions is met, unmet when all are unmet,
// otherwise unknown. The measure is ELIGIBLE when every group is met, PARTIAL when a group
// is unmet and another is met, UNKNOWN when none is unmet and some is unknown; when groups
// are unmet and none is met the measure does not fit at all (ok is false).
func Evaluate(p Profile, m Measure) (r Result, ok bool) {
	r = Result{Measure: m, Benefit: LargestBenefit(m.Benefits)}
	type group struct {
		checks []Check
		out    Outcome
	}
	var order []string
	groups := map[string]*group{}
	for _, c := range m.Conditions {
		k := c.GroupKey()
		g := groups[k]
		if g == nil {
			g = &group{out: Unmet}
			groups[k] = g
			order = append(order, k)
		}
		ch := CheckOne(p, c)
		g.checks = append(g.checks, ch)
		switch {
		case ch.Outcome == Met:
			g.out = Met
		case ch.Outcome == Unknown && g.out != Met:
			g.out = Unknown
		}
	}
	met, unmet, unknown := 0, 0, 0
	for _, k := range order {
		g := groups[k]
		for _, ch := range g.checks {
			switch {
			case g.out == Met && ch.Outcome == Met:
				r.Met = append(r.Met, ch)
			case g.out == Unmet:
				r.Unmet = append(r.Unmet, ch)
			case g.out == Unknown && ch.Outcome == Unknown:
				r.Unknown = append(r.Unknown, ch)
			}
		}
		switch g.out {
		case Met:
			met++
		case Unmet:
			unmet++
		default:
			unknown++
		}
	}
	switch {
	case len(order) == 0:
		return r, false
	case unmet == 0 && unknown == 0:
		r.Status = Eligible
	case unmet == 0:
		r.Status = Unsure
	case met > 0:
		r.Status = Partial
	default:
		return r, false
	}
	return r, true
}

// Rank evaluates every measure and orders the fitting ones: ELIGIBLE first, then fewest
// unmet conditions, then the largest benefit, then most met, fewest unknown, and id. At most
// first results are returned (all when first <= 0).
func Rank(p Profile, ms []Measure, first int) []Result {
	out := make([]Result, 0, len(ms))
	for _, m := range ms {
		if r, ok := Evaluate(p, m); ok {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return Less(out[i], out[j]) })
	if first > 0 && len(out) > first {
		out = out[:first]
	}
	return out
}

// Less is the ranking order of Rank.
func Less(a, b Result) bool {
	if (a.Status == Eligible) != (b.Status == Eligible) {
		return a.Status == Eligible
	}
	if len(a.Unmet) != len(b.Unmet) {
		return len(a.Unmet) < len(b.Unmet)
	}
	if a.Benefit != b.Benefit {
		return a.Benefit > b.Benefit
	}
	if len(a.Met) != len(b.Met) {
		return len(a.Met) > len(b.Met)
	}
	if len(a.Unknown) != len(b.Unknown) {
		return len(a.Unknown) < len(b.Unknown)
	}
	return a.Measure.ID < b.Measure.ID
}

// LargestBenefit is the largest CNY amount among the benefit figures (their upper bound).
func LargestBenefit(qs []model.Quantity) float64 {
	best := 0.0
	for _, q := range qs {
		if q.Unit != "CNY" || !IsBenefit(q) {
			continue
		}
		v := q.Value
		if q.Max != nil {
			v = *q.Max
		}
		best = math.Max(best, v)
	}
	return best
}

// CheckOne checks one condition against the profile.
func CheckOne(p Profile, c model.Condition) Check {
	ch := Check{Condition: c}
	spec, ok := model.Attributes[c.Attribute]
	if !ok || spec.Type == model.ValueText {
		return ch
	}
	switch spec.Type {
	case model.ValueSet:
		have, open := setValue(p, c.Attribute)
		if have == nil {
			return ch
		}
		ch.Given = ptr(strings.Join(have, "、"))
		ch.Outcome = checkSet(have, c.Operator, c.Values, open)
	case model.ValueName:
		v := nameValue(p, c.Attribute)
		if v == nil {
			return ch
		}
		ch.Given = v
		ch.Outcome = checkSet([]string{*v}, c.Operator, c.Values, false)
	case model.ValueOrdinal:
		v := ordinalValue(p, c.Attribute)
		if v == nil {
			return ch
		}
		ch.Given = v
		ch.Outcome = checkOrdinal(*v, c.Operator, c.Values)
	case model.ValueNumber:
		v, ok := numberValue(p, c.Attribute)
		if !ok {
			return ch
		}
		ch.Given = ptr(strconv.FormatFloat(v, 'f', -1, 64))
		ch.Outcome = checkNumber(v, c.Operator, c.Values)
	case model.ValueDate:
		v := dateValue(p, c.Attribute)
		if v == nil {
			return ch
		}
		ch.Given = v
		ch.Outcome = checkDate(*v, c.Operator, c.Values)
	case model.ValueBool:
		v := boolValue(p, c.Attribute)
		if v == nil {
			return ch
		}
		ch.Given = ptr(strconv.FormatBool(*v))
		ch.Outcome = outcome(len(c.Values) == 1 && c.Values[0] == strconv.FormatBool(*v))
	}
	return ch
}

func setValue(p Profile, attr string) ([]string, bool) {
	switch attr {
	case "industry":
		if e := p.Enterprise; e != nil && e.Industries != nil {
			return e.Industries, e.OpenWorld
		}
	case "qualification":
		if e := p.Enterprise; e != nil && e.Qualifications != nil {
			return e.Qualifications, e.OpenWorld
		}
	case "talentTitle":
		if pp := p.Person; pp != nil && pp.TalentTitles != nil {
			return pp.TalentTitles, false
		}
	}
	return nil, false
}

func nameValue(p Profile, attr string) *string {
	e := p.Enterprise
	if e == nil {
		return nil
	}
	switch attr {
	case "district":
		return e.District
	case "ownership":
		return e.Ownership
	}
	return nil
}

func ordinalValue(p Profile, attr string) *string {
	if attr == "degree" && p.Person != nil {
		return p.Person.Degree
	}
	return nil
}

func numberValue(p Profile, attr string) (float64, bool) {
	e, pp := p.Enterprise, p.Person
	switch {
	case attr == "employees" && e != nil && e.Employees != nil:
		return float64(*e.Employees), true
	case attr == "revenue" && e != nil && e.RevenueCNY != nil:
		return *e.RevenueCNY, true
	case attr == "rdShare" && e != nil && e.RDShare != nil:
		return *e.RDShare, true
	case attr == "yearsWorked" && pp != nil && pp.YearsWorked != nil:
		return *pp.YearsWorked, true
	case attr == "age" && pp != nil && pp.Age != nil:
		return float64(*pp.Age), true
	}
	return 0, false
}

func dateValue(p Profile, attr string) *string {
	if attr == "foundedOn" && p.Enterprise != nil {
		return p.Enterprise.FoundedOn
	}
	return nil
}

func boolValue(p Profile, attr string) *bool {
	if attr == "returnedFromAbroad" && p.Person != nil {
		return p.Person.ReturnedFromAbroad
	}
	return nil
}

// Fold is the form names are compared in: model.NormalizeName without quotes, an id's kind
// prefix or a trailing 区 (长宁区 = 长宁 = place:长宁区).
func Fold(s string) string {
	n := model.NormalizeName(s)
	if i := strings.Index(n, ":"); i > 0 {
		if _, ok := model.ParseKind(n[:i]); ok {
			n = n[i+1:]
		}
	}
	n = strings.NewReplacer("“", "", "”", "", "\"", "", "「", "", "」", "").Replace(n)
	if strings.HasSuffix(n, "区") && len([]rune(n)) > 2 {
		n = strings.TrimSuffix(n, "区")
	}
	return n
}

func checkSet(have []string, op string, values []string, open bool) Outcome {
	held := map[string]bool{}
	for _, h := range have {
		held[Fold(h)] = true
	}
	hits := 0
	for _, v := range values {
		if held[Fold(v)] {
			hits++
		}
	}
	switch op {
	case "in":
		if hits > 0 {
			return Met
		}
	case "all":
		if hits == len(values) {
			return Met
		}
	case "not":
		if hits > 0 {
			return Unmet
		}
		if open {
			return Unknown
		}
		return Met
	default:
		return Unknown
	}
	if open {
		return Unknown
	}
	return Unmet
}

func checkOrdinal(v, op string, values []string) Outcome {
	have := model.DegreeRank(v)
	if have < 0 {
		return Unknown // a degree we cannot place on the scale
	}
	if op == "in" {
		for _, w := range values {
			if model.DegreeRank(w) == have {
				return Met
			}
		}
		return Unmet
	}
	want := model.DegreeRank(values[0])
	return compare(float64(have), op, float64(want))
}

func checkNumber(v float64, op string, values []string) Outcome {
	if len(values) != 1 {
		return Unknown
	}
	want, err := strconv.ParseFloat(values[0], 64)
	if err != nil {
		return Unknown
	}
	if op == "eq" {
		return outcome(v == want)
	}
	return compare(v, op, want)
}

func checkDate(v, op string, values []string) Outcome {
	if len(values) != 1 || !model.ValidDate(v) {
		return Unknown
	}
	c := strings.Compare(v, values[0])
	// A coarser date that is a prefix of the other (2020 vs 2020-05) cannot be ordered.
	if strings.HasPrefix(v, values[0]) || strings.HasPrefix(values[0], v) {
		if v == values[0] {
			c = 0
		} else {
			return Unknown
		}
	}
	if op == "eq" {
		return outcome(c == 0)
	}
	return compare(float64(c), op, 0)
}

func compare(have float64, op string, want float64) Outcome {
	switch op {
	case ">=":
		return outcome(have >= want)
	case ">":
		return outcome(have > want)
	case "<=":
		return outcome(have <= want)
	case "<":
		return outcome(have < want)
	}
	return Unknown
}

func outcome(ok bool) Outcome {
	if ok {
		return Met
	}
	return Unmet
}

func ptr[T any](v T) *T { return &v }
