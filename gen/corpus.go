package gen

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/policygraph/policygraph/model"
)

// municipal writes 000-shanghai: the city, its districts, industries, municipal bodies and
// framework policies, which every later bundle references by id.
func (g *generator) municipal() error {
	b := g.newBundle("000-shanghai", "上海市科技创新政策体系概览",
		str("docType", "report"), str("date", "2014-12"), str("issuer", "上海市人民政府"), str("level", "MUNICIPAL"))
	city := b.entity("Place", "上海市", b.put("上海市"), nil, str("placeType", "city"), str("level", "MUNICIPAL"))
	b.put("下辖")
	for d := range districts {
		if d > 0 {
			b.put("、")
		}
		sp := b.put(districts[d].name)
		id := b.entity("Place", districts[d].name, sp, nil, str("placeType", "district"), str("level", "DISTRICT"))
		b.relation(model.RelLocatedIn, id, city, sp)
	}
	b.put(fmt.Sprintf("共%d个区", len(districts)))
	b.end()
	b.put("本市重点发展")
	for i := range industries {
		if i > 0 {
			b.put("、")
		}
		b.entity("Industry", industries[i].name, b.put(industries[i].name), nil)
	}
	b.put("等产业")
	b.end()
	orgIDs := make([]string, len(municipalOrgs))
	for i, o := range municipalOrgs {
		sp := b.put(o)
		orgIDs[i] = b.entity("Organization", o, sp, nil, str("orgType", "government"), str("level", "MUNICIPAL"))
		b.relation(model.RelLocatedIn, orgIDs[i], city, sp)
		b.put("负责全市相关领域的政策制定和组织实施")
		b.end()
	}
	for i, f := range frameworks {
		o := i % len(municipalOrgs)
		osp := b.put(municipalOrgs[o])
		b.put("印发《")
		fsp := b.put(f)
		year := 2014 + i%7
		id := b.entity("Policy", f, fsp, nil, str("title", f), str("policyType", "framework"), str("level", "MUNICIPAL"),
			str("issuedOn", fmt.Sprint(year)), str("status", "IN_FORCE"), str("version", "1"))
		b.relation(model.RelIssuedBy, id, orgIDs[o], osp)
		b.put("》，作为全市科技创新政策的总体框架")
		b.end()
	}
	return b.write()
}

func (g *generator) district(ctx context.Context, d int) error {
	if err := g.registry(d); err != nil {
		return err
	}
	per := g.perDistrict()
	for n, start := 0, d*per; start < (d+1)*per; n, start = n+1, start+g.sc.ListSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := g.recognitionList(d, n, start, min(start+g.sc.ListSize, (d+1)*per)); err != nil {
			return err
		}
	}
	if g.sc.AlliancesPerDistrict > 0 {
		if err := g.allianceMembers(d); err != nil {
			return err
		}
	}
	for gz, j := 0, 0; j < g.sc.PoliciesPerDistrict; gz, j = gz+1, j+g.sc.PoliciesPerGazette {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := g.gazette(d, gz, j, min(j+g.sc.PoliciesPerGazette, g.sc.PoliciesPerDistrict)); err != nil {
			return err
		}
	}
	return nil
}

func districtFramework(d int) string { return districts[d].name + "科技创新“十四五”规划" }

// registry writes dNN/000-registry: the district's bodies, parks, framework and alliances.
func (g *generator) registry(d int) error {
	dn := districts[d].name
	b := g.newBundle(fmt.Sprintf("d%02d/000-registry", d), dn+"科技创新工作概况",
		str("docType", "report"), str("date", "2020-06"), str("issuer", orgName(d, 0)), str("level", "DISTRICT"))
	did := districtID(d)
	for o := range districtOrgs {
		sp := b.put(orgName(d, o))
		id := b.entity("Organization", orgName(d, o), sp, nil, str("orgType", "government"), str("level", "DISTRICT"))
		b.relation(model.RelLocatedIn, id, did, sp)
		b.put("负责本区相关工作")
		b.end()
	}
	for p := 0; p < parksOf(d); p++ {
		sp := b.put(parkName(d, p))
		id := b.entity("Place", parkName(d, p), sp, nil, str("placeType", "park"), str("level", "DISTRICT"))
		b.relation(model.RelLocatedIn, id, did, sp)
		b.put("是本区重点产业载体，重点发展")
		b.put(industries[(d+p)%len(industries)].name)
		b.put("产业")
		b.end()
	}
	osp := b.put(orgName(d, 0))
	b.put("印发《")
	fsp := b.put(districtFramework(d))
	b.put("》，依据《")
	msp := b.put(frameworks[0])
	b.put("》制定")
	fw := b.entity("Policy", districtFramework(d), fsp, nil, str("title", districtFramework(d)), str("policyType", "framework"),
		str("level", "DISTRICT"), str("issuedOn", "2021-06"), str("status", "IN_FORCE"), str("version", "1"))
	b.relation(model.RelIssuedBy, fw, orgID(d, 0), osp)
	b.relation(model.RelDerivedFrom, fw, frameworkID(0), msp)
	b.relation(model.RelPartOf, fw, frameworkID(0), msp)
	b.end()
	r := g.rng(1, uint64(d))
	for a := 0; a < g.sc.AlliancesPerDistrict; a++ {
		name := allianceName(d, a)
		sp := b.put(name)
		year := 2010 + r.IntN(14)
		id := b.entity("Alliance", name, sp, nil, str("foundedOn", fmt.Sprint(year)), integer("memberCount", g.sc.MembersPerAlliance),
			str("level", "DISTRICT"))
		b.put("由")
		osp := b.put(orgName(d, 1))
		b.relation(model.RelOperates, orgID(d, 1), id, osp)
		b.put(fmt.Sprintf("指导成立，成立于%d年，位于", year))
		psp := b.put(dn)
		b.relation(model.RelLocatedIn, id, did, psp)
		b.end()
	}
	return b.write()
}

// recognitionList writes dNN/100-list-NNNN: a recognition list that declares enterprises
// [from, to) with their industries, places and R&D figures.
func (g *generator) recognitionList(d, n, from, to int) error {
	dn := districts[d].name
	r := g.rng(2, uint64(d), uint64(n))
	year := 2016 + n%8
	role := enterpriseRoles[n%len(enterpriseRoles)]
	title := fmt.Sprintf("%s%d年度%s企业认定名单（第%d批）", dn, year, role, n+1)
	b := g.newBundle(fmt.Sprintf("d%02d/100-list-%04d", d, n), "关于公布"+title+"的通知",
		str("docType", "notice"), str("date", fmt.Sprintf("%d-%02d", year, 3+n%9)), str("issuer", orgName(d, 1)),
		str("level", "DISTRICT"), str("number", fmt.Sprintf("%s科发〔%d〕%d号", districts[d].abbr, year, n+1)))
	osp := b.put(orgName(d, 1))
	b.put("关于公布《")
	tsp := b.put(title)
	b.put("》的通知")
	b.end()
	list := b.entity("Policy", title, tsp, nil, str("title", title), str("policyType", "list"), str("level", "DISTRICT"),
		str("issuedOn", fmt.Sprintf("%d-%02d", year, 3+n%9)), str("status", "IN_FORCE"), str("version", "1"))
	b.relation(model.RelIssuedBy, list, orgID(d, 1), osp)
	b.put("根据《")
	fsp := b.put(districtFramework(d))
	b.relation(model.RelPartOf, list, entityID("Policy", districtFramework(d)), fsp)
	b.put(fmt.Sprintf("》，经企业申报、专家评审和社会公示，认定以下%d家企业为%s企业", to-from, role))
	b.end()
	for i := from; i < to; i++ {
		e := g.enterprise(i)
		b.put(fmt.Sprintf("第%d家", i-from+1))
		b.put("，")
		sp := b.put(e.name)
		b.put("，简称")
		b.put(e.short)
		listed := r.IntN(20) == 0
		eid := b.entity("Enterprise", e.name, sp, []string{e.short}, str("legalName", e.name),
			strs("industries", industries[e.industry].name), str("role", role), boolean("listed", listed))
		b.relation(model.RelRecognizes, list, eid, sp)
		b.put("，属于")
		isp := b.put(industries[e.industry].name)
		b.relation(model.RelInIndustry, eid, industryID(e.industry), isp)
		b.put("产业，注册于")
		var place string
		var psp span
		if p := r.IntN(parksOf(d) + 1); p < parksOf(d) {
			psp = b.put(parkName(d, p))
			place = entityID("Place", parkName(d, p))
		} else {
			psp = b.put(dn)
			place = districtID(d)
		}
		b.relation(model.RelLocatedIn, eid, place, psp)
		b.put(fmt.Sprintf("，%d年研发投入", year-1))
		fig := fmt.Sprintf("%d万元", 50+r.IntN(200)*25)
		b.quantity(eid, "研发投入", fig, fmt.Sprint(year-1), b.put(fig))
		b.end()
	}
	return b.write()
}

// allianceMembers writes dNN/200-alliances: the member lists of the district's alliances.
func (g *generator) allianceMembers(d int) error {
	dn := districts[d].name
	r := g.rng(3, uint64(d))
	b := g.newBundle(fmt.Sprintf("d%02d/200-alliances", d), "关于公布"+dn+"产业联盟成员单位名单的通知",
		str("docType", "notice"), str("date", "2023-09"), str("issuer", orgName(d, 1)), str("level", "DISTRICT"))
	b.put(orgName(d, 1) + "关于公布" + dn + "产业联盟成员单位名单的通知")
	b.end()
	pick := g.picker(d, r)
	for a := 0; a < g.sc.AlliancesPerDistrict; a++ {
		aid := entityID("Alliance", allianceName(d, a))
		b.put(allianceName(d, a))
		b.put("成员单位包括")
		k := g.sc.MembersPerAlliance/2 + r.IntN(g.sc.MembersPerAlliance+1)
		for i, e := range pick(k) {
			if i > 0 {
				b.put("、")
			}
			b.relation(model.RelMemberOf, e.id, aid, b.put(e.name))
		}
		b.put("，共")
		fig := fmt.Sprintf("%d家", k)
		b.quantity(aid, "成员单位数", fig, "2023", b.put(fig))
		b.end()
	}
	return b.write()
}

// picker returns a function choosing k distinct enterprises for district d: Zipf-distributed
// over the district's own enterprises (a few are picked again and again), with one in ten
// from the most-supported enterprises of districts already written.
func (g *generator) picker(d int, r *rand.Rand) func(k int) []enterprise {
	per := g.perDistrict()
	z := rand.NewZipf(r, 1.15, 4, uint64(per-1))
	return func(k int) []enterprise {
		k = min(k, per)
		seen := make(map[int]bool, k)
		out := make([]enterprise, 0, k)
		for tries := 0; len(out) < k && tries < 20*k; tries++ {
			var i int
			if d > 0 && r.IntN(10) == 0 {
				i = r.IntN(d)*per + g.rank(int(z.Uint64())%min(per, 50))
			} else {
				i = d*per + g.rank(int(z.Uint64()))
			}
			if seen[i] {
				continue
			}
			seen[i] = true
			out = append(out, g.enterprise(i))
		}
		return out
	}
}

// rank maps a Zipf rank onto a district-local enterprise index, so that the most supported
// enterprises are spread over the recognition lists rather than all in the first one.
func (g *generator) rank(k int) int {
	per := g.perDistrict()
	return (k*104729 + 17) % per
}

// gazette writes dNN/300-gazette-NNNN: one issue of the district government's gazette,
// carrying policies [from, to) with the programs and measures they establish.
func (g *generator) gazette(d, gz, from, to int) error {
	dn := districts[d].name
	r := g.rng(4, uint64(d), uint64(gz))
	year := g.policy(d, from).year
	b := g.newBundle(fmt.Sprintf("d%02d/300-gazette-%04d", d, gz), fmt.Sprintf("%s人民政府公报%d年第%d期（总第%d期）", dn, year, 1+gz%12, gz+1),
		str("docType", "policy"), str("date", fmt.Sprintf("%d-%02d", year, 1+gz%12)), str("issuer", orgName(d, 0)),
		str("level", "DISTRICT"), str("number", fmt.Sprintf("总第%d期", gz+1)))
	b.put(fmt.Sprintf("%s人民政府公报%d年第%d期", dn, year, 1+gz%12))
	b.end()
	pick := g.picker(d, r)
	for j := from; j < to; j++ {
		g.gazettePolicy(b, d, j, r, pick)
	}
	return b.write()
}

func (g *generator) gazettePolicy(b *bundle, d, j int, r *rand.Rand, pick func(int) []enterprise) {
	dn := districts[d].name
	p := g.policy(d, j)
	title, version := p.title, fmt.Sprint(p.version)
	old := p.revises
	org := 1 + (p.industry+j)%(len(districtOrgs)-1)
	month := 1 + j%12
	osp := b.put(orgName(d, org))
	b.put("印发《")
	tsp := b.put(title)
	b.put("》（")
	b.put(p.docNumber)
	b.put(fmt.Sprintf("），自%d年%d月1日起施行", p.year, month))
	pid := b.entity("Policy", title, tsp, nil, str("title", title), str("docNumber", p.docNumber),
		str("policyType", policyTypes[p.ptype].value), str("level", "DISTRICT"),
		str("issuedOn", fmt.Sprintf("%d-%02d", p.year, month)), str("effectiveFrom", fmt.Sprintf("%d-%02d-01", p.year, month)),
		str("status", "IN_FORCE"), str("version", version))
	b.relation(model.RelIssuedBy, pid, orgID(d, org), osp)
	b.end()

	// Basis, framework, industry.
	b.put("该政策依据《")
	var basis string
	var bsp span
	if j > 0 && r.IntN(10) < 7 {
		bp := g.policy(d, r.IntN(j))
		bsp = b.put(bp.title)
		basis = bp.id
	} else {
		f := r.IntN(len(frameworks))
		bsp = b.put(frameworks[f])
		basis = frameworkID(f)
	}
	b.relation(model.RelDerivedFrom, pid, basis, bsp)
	b.put("》制定，是《")
	fsp := b.put(districtFramework(d))
	b.relation(model.RelPartOf, pid, entityID("Policy", districtFramework(d)), fsp)
	b.put("》的组成部分，聚焦")
	isp := b.put(industries[p.industry].name)
	b.relation(model.RelInIndustry, pid, industryID(p.industry), isp)
	b.put("产业，安排专项资金")
	fig := fmt.Sprintf("%d亿元", 1+r.IntN(20))
	b.quantity(pid, "专项资金", fig, fmt.Sprint(p.year), b.put(fig))
	b.end()
	if old >= 0 {
		op := g.policy(d, old)
		b.put("本政策对《")
		sp := b.put(op.title)
		b.relation(model.RelAmends, pid, op.id, sp)
		b.relation(model.RelSupersedes, pid, op.id, sp)
		b.put("》进行修订，原政策同时废止")
		b.end()
	}

	// Programs.
	programs := make([]string, g.sc.ProgramsPerPolicy)
	pnames := make([]string, g.sc.ProgramsPerPolicy)
	for k := range programs {
		serial := j*g.sc.ProgramsPerPolicy + k
		kind := programKinds[(j+k)%len(programKinds)]
		name := fmt.Sprintf("%s%s%s（%d-%04d）", dn, industries[p.industry].name, kind.word, p.year, serial)
		pnames[k] = name
		b.put("设立")
		sp := b.put(name)
		id := b.entity("Program", name, sp, nil, str("programType", kind.value), str("startedOn", fmt.Sprint(p.year)),
			str("status", "ACTIVE"), str("level", "DISTRICT"), str("scope", dn))
		programs[k] = id
		b.relation(model.RelEstablishes, pid, id, sp)
		b.relation(model.RelImplements, id, pid, sp)
		b.put("，由")
		park := (j + k) % parksOf(d)
		psp := b.put(parkName(d, park))
		b.relation(model.RelLocatedIn, id, entityID("Place", parkName(d, park)), psp)
		b.put("承载，面向")
		isp := b.put(industries[p.industry].name)
		b.relation(model.RelInIndustry, id, industryID(p.industry), isp)
		b.put("领域，资助总额")
		fig := fmt.Sprintf("不超过%d万元", (1+r.IntN(40))*100)
		b.quantity(id, "资助总额", fig, "", b.put(fig))
		b.end()
	}

	// Talent measures.
	for m := 0; m < g.sc.MeasuresPerPolicy; m++ {
		serial := j*g.sc.MeasuresPerPolicy + m
		mk := measureKinds[(j+m)%len(measureKinds)]
		name := fmt.Sprintf("%s%s%s（%d-%04d）", dn, industries[p.industry].name, mk.word, p.year, serial)
		b.put("实施")
		sp := b.put(name)
		id := b.entity("TalentMeasure", name, sp, nil, str("category", mk.category), str("eligibility", mk.eligibility),
			str("level", "DISTRICT"))
		b.relation(model.RelEstablishes, pid, id, sp)
		k := m % len(programs)
		b.put("，纳入")
		psp := b.put(pnames[k])
		b.relation(model.RelPartOf, id, programs[k], psp)
		b.put("，面向")
		isp := b.put(industries[p.industry].name)
		b.relation(model.RelTargets, id, industryID(p.industry), isp)
		b.put("领域" + mk.eligibility + "，给予")
		fig1 := fmt.Sprintf("最高%d万元", (1+r.IntN(20))*5)
		b.quantity(id, "支持上限", fig1, "", b.put(fig1))
		b.put("支持，支持期限")
		fig2 := fmt.Sprintf("%d个月", 6*(1+r.IntN(6)))
		b.quantity(id, "支持期限", fig2, "", b.put(fig2))
		b.end()
	}

	// Who is supported.
	supported := pick(spread(r, g.sc.PolicySupports))
	if len(supported) > 0 {
		b.put("对")
		for i, e := range supported {
			if i > 0 {
				b.put("、")
			}
			b.relation(model.RelSupports, pid, e.id, b.put(e.name))
		}
		b.put(fmt.Sprintf("等%d家企业给予重点支持", len(supported)))
		b.end()
	}
	for k, prog := range programs {
		if es := pick(spread(r, g.sc.ProgramSupports)); len(es) > 0 {
			b.put(pnames[k])
			b.put("重点支持")
			for i, e := range es {
				if i > 0 {
					b.put("、")
				}
				b.relation(model.RelSupports, prog, e.id, b.put(e.name))
			}
			b.end()
		}
		if es := pick(spread(r, g.sc.ProgramParticipants)); len(es) > 0 {
			b.put("参与")
			b.put(pnames[k])
			b.put("的企业包括")
			for i, e := range es {
				if i > 0 {
					b.put("、")
				}
				b.relation(model.RelParticipatesIn, e.id, prog, b.put(e.name))
			}
			b.end()
		}
	}
}

// spread returns a count around mean: uniform in [mean/2, 3·mean/2].
func spread(r *rand.Rand, mean int) int {
	if mean <= 0 {
		return 0
	}
	return mean/2 + r.IntN(mean+1)
}
