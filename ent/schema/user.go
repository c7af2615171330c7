package schema

import (
	"regexp"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// User 账号: someone (or an integration's service account) who signs in. What it may see comes
// only from its role bindings.
type User struct{ ent.Schema }

func (User) Mixin() []ent.Mixin { return base() }

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,47}$`)

func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("username").MaxLen(48).Match(usernamePattern).Immutable().
			Comment("Sign-in name: 3–48 lower-case letters, digits, '.', '_' or '-' 用户名").Annotations(orderField("USERNAME")),
		field.String("display_name").Optional().MaxLen(64).Comment("Name shown in the UI 显示名称"),
		field.String("password_hash").Sensitive().Annotations(hidden),
		field.Enum("status").GoType(enum.UserStatus("")).Annotations(enumType(enum.UserStatus(""))).Comment("Active or disabled 账号状态").Default("ACTIVE").Annotations(notSettable),
		field.Time("last_login_at").SchemaType(instantColumn).Comment("Last successful sign-in 最近登录").Optional().Nillable().Annotations(notSettable),
		field.Bool("must_change_password").Default(false).Annotations(notSettable).
			Comment("The password was set by someone else (a reset or a new account): the next sign-in must change it 须修改密码"),
		field.Time("password_changed_at").SchemaType(instantColumn).Comment("When the password was last set").Optional().Nillable().Annotations(hidden),
	}
}

func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("role_bindings", RoleBinding.Type).Annotations(childList...).Comment("Roles the user holds and where 角色授权"),
		edge.To("api_keys", ApiKey.Type).Annotations(hidden).Comment("API keys acting as this user"),
		edge.To("sessions", Session.Type).Annotations(hidden),
	}
}

func (User) Indexes() []ent.Index {
	return []ent.Index{index.Fields("username", "delete_token").Unique()}
}

func (User) Annotations() []schema.Annotation {
	return append(listed(false),
		scope.Of(
			scope.Reach(scope.Township, "id", scope.UsersBound),
			scope.Reach(scope.Township, "id", scope.UnboundUsers),
			scope.Reach(scope.Self, "id", scope.Caller),
			scope.Reach(scope.Department, "id", scope.Caller),
			scope.Reach(scope.Department, "id", scope.UsersBound),
			scope.Reach(scope.Department, "id", scope.UnboundUsers),
			scope.ManageReach(scope.Township, "id", scope.ManageableUsers),
			scope.ManageReach(scope.Self, "id", scope.Caller),
			scope.ManageReach(scope.Department, "id", scope.ManageableUsers),
			scope.NoCheckAfterWrite(),
		),
		schema.Comment("User 账号: someone (or an integration's service account) who signs in. What it may see comes only from its role bindings."))
}
