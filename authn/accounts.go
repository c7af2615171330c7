package authn

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/internal/clock"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
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

// CreateUser creates an account with its role bindings. A user needs at least one binding:
// an account that stands nowhere sees nothing, and a township could not see the user it made.
func CreateUser(ctx context.Context, tx *ent.Client, username, displayName, password string, bindings []BindingInput) (*ent.User, error) {
	if len(bindings) == 0 {
		return nil, apperr.Invalid("roleBindings", "a user needs at least one role binding (至少指定一个角色)")
	}
	if err := CheckPasswordStrength(password); err != nil {
		return nil, apperr.Invalid("password", "%s", err.Error())
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	u, err := tx.User.Create().SetUsername(username).SetDisplayName(displayName).SetPasswordHash(hash).Save(ctx)
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

// UserChanges are the changes an administrator may make to a user.
type UserChanges struct {
	Version     int // the version the changes were made from
	DisplayName *string
	Status      *enum.UserStatus
	Password    *string // a reset by an administrator
}

// UpdateUser applies changes; disabling a user or resetting its password ends its sessions.
func UpdateUser(ctx context.Context, tx *ent.Client, id int, c UserChanges) (*ent.User, error) {
	upd := tx.User.UpdateOneID(id).SetVersion(c.Version).SetNillableDisplayName(c.DisplayName).SetNillableStatus(c.Status)
	endSessions := c.Status != nil && *c.Status == enum.UserDisabled
	if c.Password != nil {
		if err := CheckPasswordStrength(*c.Password); err != nil {
			return nil, apperr.Invalid("password", "%s", err.Error())
		}
		hash, err := HashPassword(*c.Password)
		if err != nil {
			return nil, err
		}
		upd.SetPasswordHash(hash).SetPasswordChangedAt(time.Now().UTC())
		endSessions = true
	}
	u, err := upd.Save(ctx)
	if err != nil || !endSessions {
		return u, err
	}
	sys := authz.SystemContext(ctx, "end sessions")
	return u, tx.Session.Update().Where(session.UserID(id), session.RevokedAtIsNil()).SetRevokedAt(time.Now().UTC()).Exec(sys)
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
	return tx.ApiKey.UpdateOneID(id).SetRevokedAt(time.Now().UTC()).Save(authz.WithAction(ctx, "revoke"))
}
