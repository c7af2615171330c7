package enum

import "io"

// ContributionType 贡献类型: the six ways the programme counts a member's contribution
// ("万名党员立足岗位创业争先锋").
type ContributionType string

// ContributionPostService is also what contributions recorded before they had a type became:
// service in the member's post is the broadest of the six.
const (
	ContributionLeadEnterprise ContributionType = "LEAD_ENTERPRISE"
	ContributionNewTechnology  ContributionType = "NEW_TECHNOLOGY"
	ContributionECommerce      ContributionType = "E_COMMERCE"
	ContributionPostService    ContributionType = "POST_SERVICE"
	ContributionVolunteer      ContributionType = "VOLUNTEER"
	ContributionDonation       ContributionType = "DONATION"
)

var contributionTypeValues = define("ContributionType",
	Term{"LEAD_ENTERPRISE", "领办创办经营主体", "leads or founds a business (cooperative, enterprise)"},
	Term{"NEW_TECHNOLOGY", "推广新技术", "promotes a new technique"},
	Term{"E_COMMERCE", "电商销售", "sells produce online"},
	Term{"POST_SERVICE", "岗位服务", "service in the member's post"},
	Term{"VOLUNTEER", "志愿服务", "volunteer service"},
	Term{"DONATION", "捐资捐物", "donates money or goods"},
)

func (ContributionType) Values() []string         { return contributionTypeValues }
func (e ContributionType) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *ContributionType) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "ContributionType", contributionTypeValues)
}

// CarriesAmount: a contribution of this type involves money or goods, so it may state their
// worth (amountFen); the others are work and have none.
func (e ContributionType) CarriesAmount() bool {
	switch e {
	case ContributionLeadEnterprise, ContributionECommerce, ContributionDonation:
		return true
	}
	return false
}
