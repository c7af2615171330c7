package authn

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/internal/clock"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/apikey"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/session"
)

// Account management. Every write goes through ent with the caller's context, so the
// authorization layer decides who may create which user, binding or key, and where.

// BindingInput is a role binding to create.
type BindingInput struct {
	Role                                         enum.Role
	TownshipID, VillageID, DepartmentID, CadreID *int
	ValidFrom, ValidTo                           *time.Time
}

// CreateBinding adds a role binding to a user.
func CreateBinding(ctx context.Context, tx *ent.Client, userID int, in BindingInput) (*ent.RoleBinding, error) {
	from := clock.Today()
	if in.ValidFrom != nil {
		from = *in.ValidFrom
	}
	return tx.RoleBinding.Create().SetUserID(userID).SetRole(in.Role).
		SetNillableTownshipID(in.TownshipID).SetNillableVillageID(in.VillageID).
		SetNillableDepartmentID(in.DepartmentID).SetNillableCadreID(in.CadreID).
		SetValidFrom(from).SetNillableValidTo(in.ValidTo).Save(ctx)
}

// PasswordChoice says who chose a new account's initial password.
type PasswordChoice int

const (
	ChosenByCreator PasswordChoice = iota // another user: the new user must change it at the first sign-in
	ChosenByUser                          // the operator bootstrapping their own account (sbqw admin create)
)

// CreateUser creates an account with its role bindings. A user needs at least one binding:
// an account that stands nowhere sees nothing, and a township could not see the user it made.
// The caller's authority to grant every binding is checked before anything is written, so that
// a caller without it learns nothing about which usernames exist; an authorized caller who
// meets a taken username is counted against its limit of uniqueness refusals (authz.Unique).
// chosen says who chose the password: one chosen by the creator must be changed at the first
// sign-in.
func CreateUser(ctx context.Context, tx *ent.Client, username, displayName, password string, bindings []BindingInput, chosen PasswordChoice) (*ent.User, error) {
	if len(bindings) == 0 {
		return nil, apperr.Invalid("roleBindings", "a user needs at least one role binding (至少指定一个角色)")
	}
	for _, b := range bindings {
		if err := mayGrant(ctx, tx, b); err != nil {
			return nil, err
		}
	}
	if err := CheckPasswordStrength(password); err != nil {
		return nil, apperr.Invalid("password", "%s", err.Error())
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	u, err := tx.User.Create().SetUsername(username).SetDisplayName(displayName).SetPasswordHash(hash).
		SetMustChangePassword(chosen == ChosenByCreator).Save(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range bindings {
		if _, err := CreateBinding(ctx, tx, u.ID, b); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// mayGrant checks, before any row is written, that the caller may give someone binding b: the
// units it names exist and are visible (NOT_FOUND naming the field otherwise, as the binding's
// own reference check would say) and lie inside the caller's reach, below its rank.
func mayGrant(ctx context.Context, tx *ent.Client, b BindingInput) error {
	g := authz.Binding{Role: b.Role}
	if b.TownshipID != nil {
		g.TownshipID = *b.TownshipID
	}
	if b.DepartmentID != nil {
		g.DepartmentID = *b.DepartmentID
	}
	if b.VillageID != nil {
		v, err := tx.Village.Get(authz.LookupContext(ctx), *b.VillageID)
		if ent.IsNotFound(err) {
			return apperr.MissingReference("villageID")
		} else if err != nil {
			return err
		}
		g.VillageID, g.TownshipID = v.ID, v.TownshipID
	}
	if b.CadreID != nil {
		c, err := tx.Cadre.Get(authz.LookupContext(ctx), *b.CadreID)
		if ent.IsNotFound(err) {
			return apperr.MissingReference("cadreID")
		} else if err != nil {
			return err
		}
		g.CadreID, g.DepartmentID = c.ID, c.DepartmentID
	}
	return authz.MayGrant(ctx, g)
}

// UserChanges are the changes an administrator may make to a user. A password is not one of
// them: it changes only through changePassword or a reset.
type UserChanges struct {
	Version     int // the version the changes were made from
	DisplayName *string
	Status      *enum.UserStatus
}

// UpdateUser applies changes; disabling a user ends its sessions.
func UpdateUser(ctx context.Context, tx *ent.Client, id int, c UserChanges) (*ent.User, error) {
	u, err := tx.User.UpdateOneID(id).SetVersion(c.Version).SetNillableDisplayName(c.DisplayName).SetNillableStatus(c.Status).Save(ctx)
	if err != nil || c.Status == nil || *c.Status != enum.UserDisabled {
		return u, err
	}
	return u, endCredentials(ctx, tx, id, false)
}

// ResetPassword gives another user a temporary password, returned once: it ends the user's
// sessions and API keys, and the next sign-in must set a new password. Only a caller with
// authority over every role the user holds (authz's rule for changing a user) may reset.
func ResetPassword(ctx context.Context, tx *ent.Client, id int) (string, *ent.User, error) {
	if v := authz.FromContext(ctx); v != nil && v.UserID == id {
		return "", nil, apperr.Rule("use changePassword for your own password (修改本人密码请使用changePassword)")
	}
	temporary := temporaryPassword()
	hash, err := HashPassword(temporary)
	if err != nil {
		return "", nil, err
	}
	u, err := tx.User.UpdateOneID(id).SetPasswordHash(hash).SetMustChangePassword(true).
		SetPasswordChangedAt(time.Now().UTC()).Save(authz.WithAction(ctx, authz.ActionReset))
	if err != nil {
		return "", nil, err
	}
	return temporary, u, endCredentials(ctx, tx, id, true)
}

// temporaryPassword is 16 random characters that pass the strength rule.
func temporaryPassword() string {
	for {
		if p := randomString(16); CheckPasswordStrength(p) == nil {
			return p
		}
	}
}

// endCredentials revokes the user's sessions and, on a reset, its API keys: whoever held them
// may be the reason for the reset.
func endCredentials(ctx context.Context, tx *ent.Client, userID int, keys bool) error {
	sys := authz.Bypass(ctx, "end credentials")
	now := time.Now().UTC()
	if err := tx.Session.Update().Where(session.UserID(userID), session.RevokedAtIsNil()).SetRevokedAt(now).Exec(sys); err != nil {
		return err
	}
	if !keys {
		return nil
	}
	return tx.ApiKey.Update().Where(apikey.UserID(userID), apikey.RevokedAtIsNil()).SetRevokedAt(now).Exec(sys)
}

// APIKeyInput describes a key to create.
type APIKeyInput struct {
	Name                 string
	UserID               *int // the user the key acts as; the caller by default
	ExpiresAt            *time.Time
	TrustedDocumentsOnly bool
}

// CreateAPIKey creates a key and returns it in full — the only time it is ever shown.
func CreateAPIKey(ctx context.Context, tx *ent.Client, in APIKeyInput) (string, *ent.ApiKey, error) {
	v := authz.FromContext(ctx)
	if v == nil {
		return "", nil, ErrUnauthenticated
	}
	owner := v.UserID
	if in.UserID != nil {
		owner = *in.UserID
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(time.Now()) {
		return "", nil, apperr.Invalid("expiresAt", "must be in the future (过期时间须晚于当前时间)")
	}
	key, prefix, hash := newAPIKey()
	k, err := tx.ApiKey.Create().SetUserID(owner).SetName(in.Name).SetPrefix(prefix).SetSecretHash(hash).
		SetNillableExpiresAt(in.ExpiresAt).SetTrustedDocumentsOnly(in.TrustedDocumentsOnly).Save(ctx)
	if err != nil {
		return "", nil, err
	}
	return key, k, nil
}

// RevokeAPIKey stops a key from working, at once. Revoking twice is harmless, so it needs no
// version.
func RevokeAPIKey(ctx context.Context, tx *ent.Client, id int) (*ent.ApiKey, error) {
	return tx.ApiKey.UpdateOneID(id).SetRevokedAt(time.Now().UTC()).Save(authz.WithAction(ctx, authz.ActionRevoke))
}
