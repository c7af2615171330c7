package enum

import "io"

// Role 角色: what a role binding makes its user.
type Role string

const (
	RoleDistrict         Role = "DISTRICT"
	RoleTownship         Role = "TOWNSHIP"
	RoleVillageSecretary Role = "VILLAGE_SECRETARY"
	RoleCadre            Role = "CADRE"
	RoleDepartment       Role = "DEPARTMENT"
	RoleAuditor          Role = "AUDITOR"
	RolePovertyOffice    Role = "POVERTY_OFFICE"
)

var roleValues = define("Role",
	Term{"DISTRICT", "区委组织部", "district administrator"},
	Term{"TOWNSHIP", "乡镇党委", "township party committee"},
	Term{"VILLAGE_SECRETARY", "村党组织书记", "village party secretary"},
	Term{"CADRE", "帮扶干部", "paired cadre"},
	Term{"DEPARTMENT", "区直部门", "district department"},
	Term{"AUDITOR", "审计（只读）", "auditor, read-only"},
	Term{"POVERTY_OFFICE", "区扶贫办", "poverty-alleviation office: reads households district-wide, sets needy, confirms exits, runs monitoring"},
)

func (Role) Values() []string            { return roleValues }
func (e Role) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *Role) UnmarshalGQL(v any) error { return unmarshal(v, e, "Role", roleValues) }

// UserStatus 账号状态.
type UserStatus string

const (
	UserActive   UserStatus = "ACTIVE"
	UserDisabled UserStatus = "DISABLED"
)

var userStatusValues = define("UserStatus",
	Term{"ACTIVE", "启用", "active"},
	Term{"DISABLED", "停用", "disabled: cannot sign in, its tokens stop working"},
)

func (UserStatus) Values() []string         { return userStatusValues }
func (e UserStatus) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *UserStatus) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "UserStatus", userStatusValues)
}
