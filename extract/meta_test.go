package extract

import (
	"context"
	"slices"
	"testing"

	"github.com/policygraph/policygraph/textnorm"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2023年4月17日", "2023-04-17"},
		{"二〇二三年四月十七日", "2023-04-17"},
		{"二〇二三年十二月三十一日", "2023-12-31"},
		{"二〇二三年八月二十一日", "2023-08-21"},
		{"2023年13月1日", ""},
		{"截至2023年4月17日", ""},
	} {
		if got := parseDate(tc.in); got != tc.want {
			t.Errorf("parseDate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRuleMeta(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       DocumentMeta
	}{
		{"joint notice", "甲区科委文件\n\n甲科委〔2023〕7号\n\n关于印发《甲区某某办法》的通知\n\n各有关单位：\n　　现将办法印发给你们。\n\n甲区科学技术委员会\n甲区财政局\n二〇二三年四月十七日\n",
			DocumentMeta{Title: "关于印发《甲区某某办法》的通知", Issuers: []string{"甲区科学技术委员会", "甲区财政局"}, Number: "甲科委〔2023〕7号", Date: "2023-04-17", Type: "通知", Addressees: []string{"各有关单位"}}},
		{"web page labels", "首页 > 政策文件\n字号：大 中 小\n发布机构：乙区经济委员会　　发布日期：2023-03-02\n关于开展申报工作的通知\n　　现通知如下。\n【打印本页】\n",
			DocumentMeta{Title: "关于开展申报工作的通知", Issuers: []string{"乙区经济委员会"}, Date: "2023-03-02", Type: "通知"}},
		{"no header", "　　今年共支持企业12家。\n", DocumentMeta{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Extract(context.Background(), "document:t", textnorm.Normalize(tc.text), Options{NoSegmenter: true})
			if err != nil {
				t.Fatal(err)
			}
			got := DocumentMeta{}
			if r.Meta != nil {
				got = *r.Meta
			}
			if got.Title != tc.want.Title || got.Number != tc.want.Number || got.Date != tc.want.Date || got.Type != tc.want.Type || !slices.Equal(got.Issuers, tc.want.Issuers) || !slices.Equal(got.Addressees, tc.want.Addressees) {
				t.Errorf("meta = %+v, want %+v", got, tc.want)
			}
		})
	}
}
