package model

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// PropType is the type of a typed entity property.
type PropType string

// Property types. Dates are ISO strings of day, month, quarter or year precision
// (2023-04-17, 2021-11, 2023-Q1, 2025) so that they sort and compare as strings.
const (
	PropString  PropType = "string"
	PropStrings PropType = "strings"
	PropDate    PropType = "date"
	PropInt     PropType = "int"
	PropFloat   PropType = "float"
	PropBool    PropType = "bool"
)

// PropSpec describes one allowed property: its type and, for closed vocabularies, the values.
type PropSpec struct {
	Type   PropType
	Values []string // allowed values (case-sensitive) for closed string vocabularies; nil = free
	Doc    string
}

// commonProps are allowed on every kind.
var commonProps = map[string]PropSpec{
	"description":      {Type: PropString, Doc: "one-sentence summary in the source's language"},
	"stipInstruments":  {Type: PropStrings, Doc: "STIP Compass policy-instrument codes (see STIPInstruments)"},
	"stipTargetGroups": {Type: PropStrings, Doc: "STIP Compass target-group codes (see STIPTargetGroups)"},
	"level":            {Type: PropString, Values: []string{"NATIONAL", "MUNICIPAL", "DISTRICT", "STREET"}, Doc: "administrative level"},
}

// KindProps lists the typed properties each kind may carry beyond the common ones.
var KindProps = map[Kind]map[string]PropSpec{
	KindPolicy: {
		"title":         {Type: PropString},
		"docNumber":     {Type: PropString},
		"policyType":    {Type: PropString, Values: []string{"measures", "opinions", "plan", "rules", "list", "framework", "strategy", "directive", "notice"}},
		"issuedOn":      {Type: PropDate},
		"effectiveFrom": {Type: PropDate},
		"effectiveTo":   {Type: PropDate},
		"status":        {Type: PropString, Values: []string{"IN_FORCE", "AMENDED", "SUPERSEDED", "EXPIRED", "DRAFT"}},
		"version":       {Type: PropString},
	},
	KindProgram: {
		"programType": {Type: PropString, Values: []string{"pilot", "platform", "contest", "event", "service", "project", "app", "initiative", "system", "window", "workstation"}},
		"startedOn":   {Type: PropDate},
		"status":      {Type: PropString, Values: []string{"PLANNED", "ACTIVE", "COMPLETED"}},
		"scope":       {Type: PropString},
	},
	KindEnterprise: {
		"legalName":  {Type: PropString},
		"creditCode": {Type: PropString, Doc: "统一社会信用代码 (18 characters): resolution takes it as the firm's identity"},
		"industries": {Type: PropStrings},
		"role":       {Type: PropString},
		"listed":     {Type: PropBool},
		// Read by the policy calculator (matchPolicies with enterpriseId).
		"qualifications": {Type: PropStrings, Doc: "recognitions held: 高新技术企业, 专精特新 …"},
		"ownership":      {Type: PropString, Doc: "民营, 国有, 外资 …"},
		"employees":      {Type: PropInt, Doc: "head count"},
		"revenueCNY":     {Type: PropFloat, Doc: "yearly revenue in CNY"},
		"foundedOn":      {Type: PropDate, Doc: "date of registration"},
	},
	KindAlliance: {
		"foundedOn":   {Type: PropDate},
		"memberCount": {Type: PropInt},
	},
	KindTalentMeasure: {
		"category":    {Type: PropString, Values: []string{"hukou", "housing", "subsidy", "funding", "training", "workstation", "service", "recruitment"}},
		"eligibility": {Type: PropString},
	},
	KindOrganization: {
		"orgType": {Type: PropString, Values: []string{"government", "party", "institute", "university", "fund-manager", "exchange", "association", "incubator", "financial", "service-center", "innovation-center", "other"}},
	},
	KindPlace: {
		"placeType": {Type: PropString, Values: []string{"country", "city", "district", "town", "subdistrict", "street", "park", "zone", "building"}},
	},
	KindIndustry: {},
	KindPerson: {
		"role": {Type: PropString},
	},
	KindDocument: {
		"title":      {Type: PropString},
		"number":     {Type: PropString},
		"issuer":     {Type: PropString},
		"date":       {Type: PropDate},
		"addressees": {Type: PropStrings, Doc: "主送: whom the header's salutation line addresses (各有关单位, 严洁红 …); a person without 委员/代表"},
		"docType":    {Type: PropString, Values: []string{"reply", "proposal", "policy", "notice", "rules", "report", "other"}},
		"result":     {Type: PropString},
		"sha256":     {Type: PropString},
		"path":       {Type: PropString},
	},
}

// ReservedProps are written by policygraph itself and may not be set by a bundle.
var ReservedProps = map[string]bool{
	"id": true, "kind": true, "name": true, "aliases": true, "createdAt": true, "updatedAt": true,
	"retracted": true, "method": true, "confidence": true,
}

// LookupProp returns the spec of property key on kind.
func LookupProp(kind Kind, key string) (PropSpec, bool) {
	if s, ok := commonProps[key]; ok {
		return s, true
	}
	s, ok := KindProps[kind][key]
	return s, ok
}

// AllowedProps returns the sorted property names allowed on kind.
func AllowedProps(kind Kind) []string {
	var out []string
	for k := range commonProps {
		out = append(out, k)
	}
	for k := range KindProps[kind] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var dateRE = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|-Q[1-4]|-H[12])?$`)

// ValidDate reports whether s is an ISO date of year, half, quarter, month or day precision.
func ValidDate(s string) bool { return dateRE.MatchString(s) }

// CoerceProp checks v (as decoded from YAML/JSON) against spec and returns the typed value
// to store: string, []string, int64, float64 or bool.
func CoerceProp(spec PropSpec, v any) (any, error) {
	switch spec.Type {
	case PropString, PropDate:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a string, got %T", v)
		}
		s = strings.TrimSpace(s)
		if spec.Type == PropDate && !ValidDate(s) {
			return nil, fmt.Errorf("%q is not a date (want YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Hn)", s)
		}
		if spec.Values != nil && !contains(spec.Values, s) {
			return nil, fmt.Errorf("%q is not one of %s", s, strings.Join(spec.Values, ", "))
		}
		return s, nil
	case PropStrings:
		switch x := v.(type) {
		case []string:
			return x, nil
		case []any:
			out := make([]string, 0, len(x))
			for i, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("item %d: want a string, got %T", i, e)
				}
				out = append(out, s)
			}
			return out, nil
		case string:
			return []string{x}, nil
		}
		return nil, fmt.Errorf("want a list of strings, got %T", v)
	case PropInt:
		switch x := v.(type) {
		case int:
			return int64(x), nil
		case int64:
			return x, nil
		case float64:
			if x == float64(int64(x)) {
				return int64(x), nil
			}
		}
		return nil, fmt.Errorf("want an integer, got %v", v)
	case PropFloat:
		switch x := v.(type) {
		case int:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		}
		return nil, fmt.Errorf("want a number, got %T", v)
	case PropBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("want true or false, got %T", v)
		}
		return b, nil
	}
	return nil, fmt.Errorf("unknown property type %q", spec.Type)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
