package enum

import "io"

// TownshipKind 乡镇类型.
type TownshipKind string

var townshipKindValues = define("TownshipKind",
	Term{"TOWN", "镇", "town"},
	Term{"TOWNSHIP", "乡", "township"},
	Term{"SUBDISTRICT", "街道", "urban subdistrict"},
)

func (TownshipKind) Values() []string         { return townshipKindValues }
func (e TownshipKind) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *TownshipKind) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "TownshipKind", townshipKindValues)
}

// DepartmentKind 区直部门类别.
type DepartmentKind string

var departmentKindValues = define("DepartmentKind",
	Term{"PARTY", "党委部门", "party department"},
	Term{"GOVERNMENT", "政府部门", "government department"},
	Term{"POLITICS_LAW", "政法部门", "politics and law department"},
	Term{"PUBLIC_INSTITUTION", "事业单位", "public institution"},
)

func (DepartmentKind) Values() []string         { return departmentKindValues }
func (e DepartmentKind) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *DepartmentKind) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "DepartmentKind", departmentKindValues)
}

// OrganizationKind 党组织类别.
type OrganizationKind string

var organizationKindValues = define("OrganizationKind",
	Term{"COMMITTEE", "党委", "party committee"},
	Term{"GENERAL_BRANCH", "党总支", "general party branch"},
	Term{"BRANCH", "党支部", "party branch"},
)

func (OrganizationKind) Values() []string         { return organizationKindValues }
func (e OrganizationKind) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *OrganizationKind) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "OrganizationKind", organizationKindValues)
}

// OrganizationOwner 党组织隶属: what a party organisation belongs to, and so where its members'
// scope lies.
type OrganizationOwner string

const (
	OwnerVillage            OrganizationOwner = "VILLAGE"
	OwnerTownship           OrganizationOwner = "TOWNSHIP"
	OwnerDepartment         OrganizationOwner = "DEPARTMENT"
	OwnerEnterpriseOrSocial OrganizationOwner = "ENTERPRISE_OR_SOCIAL"
)

var organizationOwnerValues = define("OrganizationOwner",
	Term{string(OwnerVillage), "村党组织", "a village's organisation"},
	Term{string(OwnerTownship), "乡镇机关党组织", "a township's own committee or branch"},
	Term{string(OwnerDepartment), "机关党组织", "a district department's organisation"},
	Term{string(OwnerEnterpriseOrSocial), "两新组织党组织", "a non-public enterprise's or social organisation's, under a township"},
)

func (OrganizationOwner) Values() []string         { return organizationOwnerValues }
func (e OrganizationOwner) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *OrganizationOwner) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "OrganizationOwner", organizationOwnerValues)
}

// PairingDisposition 结对处置: what a cadre's transfer does with the cadre's pairings in the
// villages linked to the old department.
type PairingDisposition string

const (
	PairingsRelease  PairingDisposition = "RELEASE"
	PairingsHandOver PairingDisposition = "HAND_OVER"
)

var pairingDispositionValues = define("PairingDisposition",
	Term{string(PairingsRelease), "解除结对", "end them"},
	Term{string(PairingsHandOver), "移交结对", "hand them to the old department's least-loaded cadre"},
)

func (PairingDisposition) Values() []string         { return pairingDispositionValues }
func (e PairingDisposition) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *PairingDisposition) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "PairingDisposition", pairingDispositionValues)
}
