package extract

import (
	"regexp"
	"strings"
)

// Addressees (主送) of a notice, opinion or reply: the salutation line of the header, a
// paragraph that is only names and ends in a colon (各有关单位：, 严洁红、李凌、谢何委员：,
// 各区人民政府，市政府各委、办、局：). Names are split at 、，; a person's 委员/代表/同志
// is dropped (the Person entity keeps it as its role); one-character parts (办、局) stay
// with the name before them.

var (
	addresseeLineRE = regexp.MustCompile(`^[\p{Han}A-Za-z0-9（）()〔〕、，,· 　]{2,150}[：:]$`)
	addresseeSkipRE = regexp.MustCompile(`如下|收悉|附件|联系人|联系电话|签发人|办理结果|主题词|抄送|当前位置|索引号|发布机构|发布日期`)
	personTitleRE   = regexp.MustCompile(`^(\p{Han}{2,4})(委员|代表|同志)们?$`)
	// a title the layout joined to the salutation (…的答复 王明委员：)
	titleHeadRE = regexp.MustCompile(`^.*的(通知|答复|答覆|复函|復函|意见|意見|批复|批覆|决定|決定|函|报告|報告)`)
)

// addressees returns the addressees named by the first salutation line among the header
// paragraphs, nil when there is none.
func (x *extractor) addressees(head int) []string {
	for k := 0; k < head; k++ {
		s := strings.TrimSpace(x.str(x.paras[k].start, x.paras[k].end))
		if !addresseeLineRE.MatchString(s) || addresseeSkipRE.MatchString(s) || chromeRE.MatchString(s) {
			continue
		}
		if out := splitAddressees(titleHeadRE.ReplaceAllString(strings.TrimRight(s, "：:"), "")); len(out) > 0 {
			return out
		}
	}
	return nil
}

// splitAddressees splits a salutation (without its colon) into names.
func splitAddressees(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == '，' || r == ',' }) {
		part = strings.Trim(part, " 　")
		switch {
		case part == "":
			continue
		case runeLen(part) == 1 && len(out) > 0: // 委、办、局
			out[len(out)-1] += "、" + part
			continue
		}
		if m := personTitleRE.FindStringSubmatch(part); m != nil && !strings.HasPrefix(part, "各") {
			part = m[1]
		}
		out = append(out, part)
	}
	return out
}
