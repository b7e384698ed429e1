package extract

import (
	"regexp"

	"github.com/policygraph/policygraph/model"
)

// creditCodeRE is a 统一社会信用代码 given right after a name: （统一社会信用代码：X）, ，统一社会信用代码为X.
// The code is 18 characters of digits and upper-case letters other than I, O, S, V, Z.
var creditCodeRE = regexp.MustCompile(`^\s*[（(，,]?\s*统一社会信用代码\s*[：:为是]?\s*([0-9A-HJ-NPQRTUWXY]{18})`)

// ruleCreditCodes records a 统一社会信用代码 written right after an enterprise's name as its
// creditCode property: resolution across documents takes the code as the firm's identity.
func (x *extractor) ruleCreditCodes() {
	for _, e := range x.ents {
		if e.kind != model.KindEnterprise {
			continue
		}
		for _, m := range e.mentions {
			end := min(m.end, len(x.text))
			if m := creditCodeRE.FindStringSubmatch(string(x.text[end:min(end+40, len(x.text))])); m != nil {
				if e.props == nil {
					e.props = map[string]any{}
				}
				e.props["creditCode"] = m[1]
				break
			}
		}
	}
}
