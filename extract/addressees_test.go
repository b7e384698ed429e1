package extract

import (
	"context"
	"slices"
	"testing"

	"github.com/policygraph/policygraph/bundle"
	"github.com/policygraph/policygraph/model"
	"github.com/policygraph/policygraph/textnorm"
)

// TestAddresseesAndRespondsTo reads the salutation line (主送) into the document's
// addressees and a reply's title into RESPONDS_TO → the proposal it answers, with the
// proposal's words as the relation's source. The texts are written for this test.
func TestAddresseesAndRespondsTo(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		addressees []string
		respondsTo string // the proposal's name, "" for none
	}{
		{"units", "关于开展科技小巨人企业申报的通知\n\n各有关单位：\n　　现将申报事项通知如下。\n",
			[]string{"各有关单位"}, ""},
		{"committee members", "关于区政协十五届二次会议第0123号提案的答复\n\n王明、赵丽委员：\n　　您提出的关于支持青年科技人才的提案收悉，现答复如下。\n",
			[]string{"王明", "赵丽"}, "区政协十五届二次会议第0123号提案"},
		{"one deputy", "关于区人大十七届三次会议第58号建议的复函\n\n孙建国代表：\n　　来信收悉。\n",
			[]string{"孙建国"}, "区人大十七届三次会议第58号建议"},
		{"governments and bureaus", "关于印发《某市创新券管理办法》的通知\n\n某府发〔2024〕5号\n\n各区人民政府，市政府各委、办、局：\n　　现印发给你们，请遵照执行。\n",
			[]string{"各区人民政府", "市政府各委、办、局"}, ""},
		{"organisations and a committee", "对区政协第十五届三次会议第0207号提案的答复\n\n九三学社某区委、民盟某区委：\n　　提案收悉。\n",
			[]string{"九三学社某区委", "民盟某区委"}, "区政协第十五届三次会议第0207号提案"},
		{"traditional", "關於開展申報工作的通知\n\n各區人民政府、各有關單位：\n　　現通知如下。\n",
			[]string{"各區人民政府", "各有關單位"}, ""},
		{"no salutation", "关于开展申报工作的通知\n\n　　现将有关事项通知如下：\n　　一、申报条件。\n",
			nil, ""},
		{"labels are not addressees", "办理结果：解决或采纳 签发人：张三\n\n联系人：李四\n\n附件：\n　　正文。\n",
			nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := textnorm.Normalize(tc.text)
			r, err := Extract(context.Background(), "document:t", doc, Options{NoSegmenter: true})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			if r.Meta != nil {
				got = r.Meta.Addressees
			}
			if !slices.Equal(got, tc.addressees) {
				t.Errorf("addressees = %q, want %q", got, tc.addressees)
			}
			var to []string
			for _, rel := range r.Relations {
				if rel.Type != model.RelRespondsTo {
					continue
				}
				e := r.Entity(rel.To)
				if rel.From != "document:t" || e == nil || e.Kind != model.KindDocument || len(rel.Sources) == 0 {
					t.Fatalf("RESPONDS_TO %+v", rel)
				}
				s := rel.Sources[0]
				if q := doc.Slice(textnorm.Span{Start: s.Start, End: s.End}); q != e.Name {
					t.Errorf("RESPONDS_TO source quotes %q, want %q", q, e.Name)
				}
				to = append(to, e.Name)
			}
			if want := []string{tc.respondsTo}; (tc.respondsTo == "" && len(to) > 0) || (tc.respondsTo != "" && !slices.Equal(to, want)) {
				t.Errorf("RESPONDS_TO %q, want %q", to, tc.respondsTo)
			}
			// the bundle's document carries them as props; the caller's props win
			props := r.Bundle(bundle.DocumentSpec{Title: "t", Props: map[string]any{"docType": "other"}}).Document.Props
			if a, _ := props["addressees"].([]string); !slices.Equal(a, tc.addressees) || props["docType"] != "other" {
				t.Errorf("bundle document props %v", props)
			}
		})
	}
}
