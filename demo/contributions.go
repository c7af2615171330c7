package demo

import (
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// contributionTypes gives each demo contribution text its type (贡献类型); a text not listed
// is service in the member's post.
var contributionTypes = map[string]enum.ContributionType{
	"指导农户香菇出菇管理":      enum.ContributionNewTechnology,
	"传授果树冬季修剪技术":      enum.ContributionNewTechnology,
	"带领农户参加肉牛养殖技术培训":  enum.ContributionNewTechnology,
	"帮助农户通过网店销售小米":    enum.ContributionECommerce,
	"联系客商收购农户的杂粮":     enum.ContributionECommerce,
	"帮助合作社完成项目申报材料":   enum.ContributionLeadEnterprise,
	"帮助独居老人清理院落、劈柴备冬": enum.ContributionVolunteer,
	"组织党员为困难户抢收玉米":    enum.ContributionVolunteer,
	"为留守儿童辅导功课":       enum.ContributionVolunteer,
	"组织群众参与人居环境整治":    enum.ContributionVolunteer,
	"为困难户代购药品并送药上门":   enum.ContributionDonation,
	"帮助困难户修缮漏雨房屋":     enum.ContributionDonation,
}

// typeContribution sets a demo contribution's type from its text and, for money or goods, a
// worth that grows with the households helped — without drawing from the random source, so
// the rest of the demo district stays as it was.
func typeContribution(b *ent.ContributionCreate, text string, households int) {
	typ, ok := contributionTypes[text]
	if !ok {
		typ = enum.ContributionPostService
	}
	b.SetType(typ)
	if typ.CarriesAmount() {
		b.SetAmountFen((households + 1) * 15_000) // 150 yuan a household
	}
}
