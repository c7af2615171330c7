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
