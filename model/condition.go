package model

import (
	"fmt"
	"sort"
	"strings"
)

// RelRequires links a measure, program or policy to a Condition it requires. Written by
// ingest from a bundle's conditions; not used directly in bundles' relations.
const RelRequires RelType = "REQUIRES"

// KindCondition is the label and kind property of condition nodes. Conditions are not
// entities (no :Entity label): like figures they belong to the entity that requires them.
const KindCondition = "Condition"

// Subject says who a condition is about.
type Subject string

// The subjects of conditions.
const (
	SubjectEnterprise Subject = "enterprise"
	SubjectPerson     Subject = "person"
	SubjectProject    Subject = "project"
)

// ValueType is how a condition attribute's values are compared.
type ValueType string

// Attribute value types.
const (
	ValueSet     ValueType = "set"     // names; the profile holds zero or more (industries, qualifications)
	ValueName    ValueType = "name"    // one name (district)
	ValueOrdinal ValueType = "ordinal" // one name on a ranked scale (degree)
	ValueNumber  ValueType = "number"  // a number in Unit
	ValueDate    ValueType = "date"    // an ISO date (YYYY, YYYY-MM, YYYY-MM-DD)
	ValueBool    ValueType = "bool"    // true or false
	ValueText    ValueType = "text"    // a judgement no profile states (e.g. 具有较强创新性): always UNKNOWN
)

// AttributeSpec describes one attribute a condition may test.
type AttributeSpec struct {
	Subject Subject // "" = any subject
	Type    ValueType
	Unit    string // canonical unit of number attributes
	Doc     string
}

// Attributes lists every attribute a condition may test, by name.
var Attributes = map[string]AttributeSpec{
	"district":           {Subject: SubjectEnterprise, Type: ValueName, Doc: "district (区) the enterprise is registered in"},
	"industry":           {Subject: SubjectEnterprise, Type: ValueSet, Doc: "industries the enterprise works in"},
	"qualification":      {Subject: SubjectEnterprise, Type: ValueSet, Doc: "recognitions: 高新技术企业, 专精特新, 科技型中小企业 …"},
	"ownership":          {Subject: SubjectEnterprise, Type: ValueName, Doc: "民营, 国有, 外资 …"},
	"employees":          {Subject: SubjectEnterprise, Type: ValueNumber, Unit: "person", Doc: "head count"},
	"revenue":            {Subject: SubjectEnterprise, Type: ValueNumber, Unit: "CNY", Doc: "yearly revenue"},
	"rdShare":            {Subject: SubjectEnterprise, Type: ValueNumber, Unit: "percent", Doc: "R&D spending as a share of revenue"},
	"foundedOn":          {Subject: SubjectEnterprise, Type: ValueDate, Doc: "date of registration"},
	"degree":             {Subject: SubjectPerson, Type: ValueOrdinal, Doc: "highest degree: 本科, 硕士, 博士"},
	"yearsWorked":        {Subject: SubjectPerson, Type: ValueNumber, Unit: "year", Doc: "years in work (at the employer)"},
	"age":                {Subject: SubjectPerson, Type: ValueNumber, Unit: "year", Doc: "age in years"},
	"returnedFromAbroad": {Subject: SubjectPerson, Type: ValueBool, Doc: "returned from study abroad (留学回国)"},
	"talentTitle":        {Subject: SubjectPerson, Type: ValueSet, Doc: "talent titles held: 优秀人才, 高层次人才, 紧缺急需人才 …"},
	"criterion":          {Type: ValueText, Doc: "a qualitative requirement (具有较强创新性 …) judged by the authority, of any subject"},
}

// Degrees is the ranked scale of the degree attribute, lowest first.
var Degrees = []string{"大专", "本科", "硕士", "博士"}

// DegreeRank returns the rank of a degree name on Degrees (学士 counts as 本科, 研究生 as
// 硕士), or -1.
func DegreeRank(name string) int {
	switch n := NormalizeName(name); n {
	case "学士", "本科生", "大学本科":
		return 1
	case "研究生", "硕士研究生":
		return 2
	case "博士研究生", "博士后":
		return 3
	default:
		for i, d := range Degrees {
			if d == n {
				return i
			}
		}
	}
	return -1
}

// Operators lists every condition operator and the value types it applies to.
var Operators = map[string][]ValueType{
	"in":  {ValueSet, ValueName, ValueOrdinal, ValueText}, // the profile's value is (or holds) one of values
	"all": {ValueSet},                                     // the profile holds every one of values
	"not": {ValueSet, ValueName},                          // the profile's value is (holds) none of values
	"eq":  {ValueNumber, ValueBool, ValueDate},
	">=":  {ValueNumber, ValueOrdinal, ValueDate},
	">":   {ValueNumber, ValueOrdinal, ValueDate},
	"<=":  {ValueNumber, ValueOrdinal, ValueDate},
	"<":   {ValueNumber, ValueOrdinal, ValueDate},
}

// Condition is one typed criterion a measure, program or policy requires of an applicant.
// Conditions of one subject that share a Group are alternatives (any of them suffices);
// conditions in different groups are all required.
type Condition struct {
	ID        string   `json:"id"`
	Of        string   `json:"of"` // id of the entity that requires it
	AppliesTo Subject  `json:"appliesTo"`
	Attribute string   `json:"attribute"`
	Operator  string   `json:"operator"`
	Values    []string `json:"values"`
	Unit      string   `json:"unit,omitempty"`
	Group     string   `json:"group,omitempty"` // "" = a group of its own
	Text      string   `json:"text"`            // the original wording
}

// GroupKey returns the key that decides which conditions are alternatives of each other.
func (c Condition) GroupKey() string {
	if c.Group == "" {
		return "id:" + c.ID
	}
	return "group:" + c.Group
}

// ConditionID returns the deterministic id of a condition: "cond:<hash>" over who requires
// it and what it tests.
func ConditionID(of string, c Condition) string {
	vals := append([]string(nil), c.Values...)
	sort.Strings(vals)
	return "cond:" + shortHash(of, string(c.AppliesTo), c.Attribute, c.Operator, strings.Join(vals, "\x1f"), c.Unit, c.Group)
}

// Check validates a condition's subject, attribute, operator, values and unit against
// Attributes and Operators and returns the problems, each naming its field.
func (c Condition) Check() map[string]string {
	errs := map[string]string{}
	spec, ok := Attributes[c.Attribute]
	if !ok {
		errs["attribute"] = fmt.Sprintf("unknown attribute %q (one of %s)", c.Attribute, strings.Join(AttributeNames(), ", "))
		return errs
	}
	switch {
	case spec.Subject == "" && c.AppliesTo != SubjectEnterprise && c.AppliesTo != SubjectPerson && c.AppliesTo != SubjectProject:
		errs["appliesTo"] = fmt.Sprintf("%q is not enterprise, person or project", c.AppliesTo)
	case spec.Subject != "" && c.AppliesTo != spec.Subject:
		errs["appliesTo"] = fmt.Sprintf("attribute %s is about the %s, not %q", c.Attribute, spec.Subject, c.AppliesTo)
	}
	types, ok := Operators[c.Operator]
	switch {
	case !ok:
		errs["operator"] = fmt.Sprintf("unknown operator %q (one of %s)", c.Operator, strings.Join(OperatorNames(), ", "))
	case !containsType(types, spec.Type):
		errs["operator"] = fmt.Sprintf("operator %s does not apply to %s (a %s)", c.Operator, c.Attribute, spec.Type)
	}
	if len(c.Values) == 0 {
		errs["values"] = "missing: the value(s) the attribute is compared with"
		return errs
	}
	if spec.Type != ValueSet && spec.Type != ValueName && spec.Type != ValueText && c.Operator != "in" && len(c.Values) != 1 {
		errs["values"] = fmt.Sprintf("operator %s takes one value, got %d", c.Operator, len(c.Values))
	}
	for _, v := range c.Values {
		switch spec.Type {
		case ValueNumber:
			var f float64
			if _, err := fmt.Sscanf(v, "%g", &f); err != nil {
				errs["values"] = fmt.Sprintf("%q is not a number", v)
			}
		case ValueBool:
			if v != "true" && v != "false" {
				errs["values"] = fmt.Sprintf("%q is not true or false", v)
			}
		case ValueDate:
			if !ValidDate(v) {
				errs["values"] = fmt.Sprintf("%q is not a date (YYYY, YYYY-MM, YYYY-MM-DD)", v)
			}
		case ValueOrdinal:
			if DegreeRank(v) < 0 {
				errs["values"] = fmt.Sprintf("%q is not a degree (one of %s)", v, strings.Join(Degrees, ", "))
			}
		}
	}
	if spec.Type == ValueNumber && c.Unit != "" && c.Unit != spec.Unit {
		errs["unit"] = fmt.Sprintf("%s is measured in %s, not %q", c.Attribute, spec.Unit, c.Unit)
	}
	if spec.Type != ValueNumber && c.Unit != "" {
		errs["unit"] = fmt.Sprintf("%s takes no unit", c.Attribute)
	}
	return errs
}

// AttributeNames returns the attribute names in sorted order.
func AttributeNames() []string {
	out := make([]string, 0, len(Attributes))
	for k := range Attributes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// OperatorNames returns the operator names in sorted order.
func OperatorNames() []string {
	out := make([]string, 0, len(Operators))
	for k := range Operators {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func containsType(ts []ValueType, t ValueType) bool {
	for _, v := range ts {
		if v == t {
			return true
		}
	}
	return false
}
