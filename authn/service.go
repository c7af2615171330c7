package authn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/apikey"
	"github.com/nanpiao/sbqw/ent/rolebinding"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/session"
	"github.com/nanpiao/sbqw/ent/user"
	"github.com/nanpiao/sbqw/internal/clock"
)

// Config tunes the service. Zero values take the defaults.
type Config struct {
	Secret   []byte         // signs bearer tokens (HS256)
	TokenTTL time.Duration  // lifetime of a login token (12h)
	Throttle ThrottleConfig // limits on failed sign-ins (throttle.go)
	// ThrottleStore keeps the failure counters alike on every replica (throttle_shared.go);
	// nil keeps them in this process.
	ThrottleStore ThrottleStore
	// HashMemory bounds the memory of password verifications running at once, in bytes
	// (DefaultHashMemory); sign-ins beyond it are refused with RATE_LIMITED at once.
	HashMemory     int64
	UniqueRefusals int // duplicates of records outside the caller's scope allowed per user an hour (10)
	Now            func() time.Time
}

// Service signs callers in and out and turns a bearer credential into a Viewer.
type Service struct {
	client   *ent.Client
	policies *authz.Policies
	cfg      Config
	throttle signInThrottle
	hashing  *hashGate
	keyUsed  sync.Map // API key ID → time last_used_at was written
	journal  *authz.Journal
	cache    credentials
}

// New returns the service.
func New(client *ent.Client, policies *authz.Policies, cfg Config) *Service {
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 12 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
	if cfg.UniqueRefusals == 0 {
		cfg.UniqueRefusals = 10
	}
	return &Service{client: client, policies: policies, cfg: cfg, journal: authz.NewJournal(client, cfg.UniqueRefusals, time.Hour),
		throttle: newSignInThrottle(cfg), hashing: newHashGate(cfg.HashMemory)}
}

// ErrBadCredentials is the one answer to a wrong username or a wrong password.
var ErrBadCredentials = &apperr.Error{Code: apperr.Unauthenticated, Message: "wrong username or password (用户名或密码错误)"}

// ErrUnauthenticated is the answer to a missing, forged, expired or revoked credential.
var ErrUnauthenticated = &apperr.Error{Code: apperr.Unauthenticated, Message: "sign in first: missing, invalid or expired credentials (请先登录)"}

// ErrPasswordChangeRequired answers a correct password of an account that must change it (after
// a reset, or a new account): sign in again with newPassword set. It is given only after the
// password was verified, so it tells nothing to someone who does not know it.
var ErrPasswordChangeRequired = &apperr.Error{Code: apperr.Unauthenticated, Field: "newPassword",
	Message: "the password must be changed: sign in again with newPassword (须设置新密码后登录)",
	Extra:   map[string]any{"passwordChangeRequired": true}}

// Login checks a username and password and opens a session. Failed attempts are throttled
// (throttle.go) and password hashing is bounded in memory (hashgate.go); both refusals are
// RATE_LIMITED with a retry hint, given before any hashing. The answer is the same whether the
// user exists or not. newPassword, when given, replaces the password as part of signing in; an
// account that must change its password (mustChangePassword) can sign in only that way.
func (s *Service) Login(ctx context.Context, username, password, newPassword, clientAddr string) (token string, expires time.Time, u *ent.User, err error) {
	now := s.cfg.Now()
	username = strings.ToLower(strings.TrimSpace(username))
	if wait := s.throttle.check(ctx, clientAddr, username, now); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		return "", time.Time{}, nil, rateLimited(secs, fmt.Sprintf("too many failed sign-ins; try again in %d seconds (登录失败次数过多，请%d秒后再试)", secs, secs))
	}
	sys := authz.Bypass(ctx, "login")
	u, ok, err := s.checkPassword(sys, username, password)
	if err != nil {
		return "", time.Time{}, nil, err
	}
	if !ok {
		s.throttle.failed(ctx, clientAddr, username, now)
		_ = authz.Record(sys, s.client, authz.Event{Action: "login.failed", Entity: "User", Username: username, Detail: "from " + clientAddr})
		return "", time.Time{}, nil, ErrBadCredentials
	}
	s.throttle.succeeded(ctx, clientAddr, username, now)
	var newHash string
	switch {
	case newPassword != "":
		if newPassword == password {
			return "", time.Time{}, nil, apperr.Invalid("newPassword", "the new password must differ from the current one (新密码不能与当前密码相同)")
		}
		if err := CheckPasswordStrength(newPassword); err != nil {
			return "", time.Time{}, nil, apperr.Invalid("newPassword", "%s", err.Error())
		}
		if newHash, err = HashPassword(newPassword); err != nil {
			return "", time.Time{}, nil, err
		}
	case u.MustChangePassword:
		return "", time.Time{}, nil, ErrPasswordChangeRequired
	}

	expires = now.Add(s.cfg.TokenTTL)
	sid := randomString(24)
	err = withTx(sys, s.client, func(tx *ent.Client) error {
		if err := tx.Session.Create().SetUserID(u.ID).SetTokenID(sid).SetExpiresAt(expires).SetClientAddress(clientAddr).Exec(sys); err != nil {
			return err
		}
		upd := tx.User.UpdateOneID(u.ID).SetLastLoginAt(now)
		if newHash != "" {
			// Other sessions end, as with changePassword; a reset has ended them already.
			upd.SetPasswordHash(newHash).SetPasswordChangedAt(now).SetMustChangePassword(false)
			if err := tx.Session.Update().Where(session.UserID(u.ID), session.RevokedAtIsNil(), session.TokenIDNEQ(sid)).SetRevokedAt(now).Exec(sys); err != nil {
				return err
			}
		}
		if u, err = upd.Save(sys); err != nil {
			return err
		}
		id := u.ID
		v := &authz.Viewer{UserID: u.ID, Username: u.Username, ClientAddr: clientAddr}
		e := authz.Event{Action: "login", Entity: "User", EntityID: &id}
		if newHash != "" {
			e.Changed = []string{"password"}
		}
		return authz.Record(authz.NewContext(ctx, v), tx, e)
	})
	if err != nil {
		return "", time.Time{}, nil, err
	}
	token, err = signToken(s.cfg.Secret, u.ID, sid, now, expires)
	return token, expires, u, err
}

// Authenticate turns a bearer credential — a login token or an API key — into the Viewer of
// the request, with its role bindings active today and the policy in force. What a credential
// stands for is cached (cache.go) until a change that could revoke it, so a warm request runs
// no statement here.
func (s *Service) Authenticate(ctx context.Context, bearer string) (*authz.Viewer, error) {
	now := s.cfg.Now()
	gen, policy, err := s.policies.Generation(ctx)
	if err != nil {
		return nil, err
	}
	var v *authz.Viewer
	if strings.HasPrefix(bearer, apiKeyScheme) {
		v, err = s.fromAPIKey(ctx, gen, bearer, now)
	} else {
		v, err = s.fromToken(ctx, gen, bearer, now)
	}
	if err != nil {
		return nil, err
	}
	return forRequest(v, policy), nil
}

func (s *Service) fromToken(ctx context.Context, gen uint64, token string, now time.Time) (*authz.Viewer, error) {
	userID, sid, err := parseToken(s.cfg.Secret, token, now)
	if err != nil {
		return nil, ErrUnauthenticated
	}
	key, today := fmt.Sprintf("s:%d:%s", userID, sid), clock.DayOf(now)
	if c, ok := s.cache.get(key, gen, now, today); ok {
		return c.viewer, nil
	}
	sys := authz.Bypass(ctx, "authenticate")
	sess, err := s.client.Session.Query().Where(session.TokenID(sid), session.UserID(userID)).Only(sys)
	if ent.IsNotFound(err) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	if sess.RevokedAt != nil || !sess.ExpiresAt.After(now) {
		return nil, ErrUnauthenticated
	}
	v, err := s.viewerOf(sys, userID, now)
	if err != nil {
		return nil, err
	}
	v.SessionID = sid
	s.cache.put(key, gen, credential{viewer: v, expires: sess.ExpiresAt, day: today})
	return v, nil
}

func (s *Service) fromAPIKey(ctx context.Context, gen uint64, key string, now time.Time) (*authz.Viewer, error) {
	prefix, ok := splitAPIKey(key)
	if !ok {
		return nil, ErrUnauthenticated
	}
	ckey, today, hash := "k:"+prefix, clock.DayOf(now), hashAPIKey(key)
	if c, ok := s.cache.get(ckey, gen, now, today); ok {
		if !sameHash(c.secretHash, hash) {
			return nil, ErrUnauthenticated
		}
		s.noteKeyUse(c.viewer.APIKeyID, now)
		return c.viewer, nil
	}
	sys := authz.Bypass(ctx, "authenticate")
	k, err := s.client.ApiKey.Query().Where(apikey.Prefix(prefix)).Only(sys)
	if ent.IsNotFound(err) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	if !sameHash(k.SecretHash, hash) || k.RevokedAt != nil || (k.ExpiresAt != nil && !k.ExpiresAt.After(now)) {
		return nil, ErrUnauthenticated
	}
	v, err := s.viewerOf(sys, k.UserID, now)
	if err != nil {
		return nil, err
	}
	v.APIKeyID, v.TrustedDocumentsOnly = k.ID, k.TrustedDocumentsOnly
	s.noteKeyUse(k.ID, now)
	c := credential{viewer: v, day: today, secretHash: k.SecretHash}
	if k.ExpiresAt != nil {
		c.expires = *k.ExpiresAt
	}
	s.cache.put(ckey, gen, c)
	return v, nil
}

// noteKeyUse records when a key was last used, at most every five minutes per key and off the
// request path (a write per request would serialise readers on SQLite).
func (s *Service) noteKeyUse(id int, now time.Time) {
	if last, ok := s.keyUsed.Load(id); ok && now.Sub(last.(time.Time)) < 5*time.Minute {
		return
	}
	s.keyUsed.Store(id, now)
	go func() {
		ctx, cancel := context.WithTimeout(authz.Bypass(context.Background(), "api key use"), 5*time.Second)
		defer cancel()
		_ = s.client.ApiKey.UpdateOneID(id).SetLastUsedAt(now).Exec(ctx)
	}()
}

// viewerOf loads an active user and the role bindings in force on the day.
func (s *Service) viewerOf(ctx context.Context, userID int, now time.Time) (*authz.Viewer, error) {
	today := clock.DayOf(now)
	u, err := s.client.User.Query().Where(user.ID(userID), user.StatusEQ(enum.UserActive)).
		WithRoleBindings(func(q *ent.RoleBindingQuery) {
			q.Where(rolebinding.ValidFromLTE(today), rolebinding.Or(rolebinding.ValidToIsNil(), rolebinding.ValidToGTE(today)))
		}).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	v := (&authz.Viewer{UserID: u.ID, Username: u.Username}).WithJournal(s.journal)
	for _, b := range u.Edges.RoleBindings {
		v.Bindings = append(v.Bindings, authz.Binding{ID: b.ID, Role: b.Role,
			TownshipID: deref(b.TownshipID), VillageID: deref(b.VillageID), DepartmentID: deref(b.DepartmentID), CadreID: deref(b.CadreID)})
	}
	return v, nil
}

// ViewerOf builds the viewer a user would be today (explainAccess asks about other users).
func (s *Service) ViewerOf(ctx context.Context, userID int) (*authz.Viewer, error) {
	v, err := s.viewerOf(authz.Bypass(ctx, "explain access"), userID, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	policy, err := s.policies.Current(ctx)
	if err != nil {
		return nil, err
	}
	return v.WithPolicy(policy), nil
}

// Logout revokes the session of the token the caller used.
func (s *Service) Logout(ctx context.Context, tx *ent.Client) error {
	v := authz.FromContext(ctx)
	if v == nil || v.SessionID == "" {
		return apperr.Rule("only a login token can be logged out; revoke an API key with revokeApiKey")
	}
	sys := authz.Bypass(ctx, "logout")
	if err := tx.Session.Update().Where(session.TokenID(v.SessionID)).SetRevokedAt(s.cfg.Now()).Exec(sys); err != nil {
		return err
	}
	return authz.Record(ctx, tx, authz.Event{Action: "logout", Entity: "User", EntityID: &v.UserID})
}

// ChangePassword sets a new password after checking the current one, and ends the caller's
// other sessions.
func (s *Service) ChangePassword(ctx context.Context, tx *ent.Client, current, next string) error {
	v := authz.FromContext(ctx)
	if v == nil {
		return ErrUnauthenticated
	}
	sys := authz.Bypass(ctx, "change password")
	u, err := tx.User.Get(sys, v.UserID)
	if err != nil {
		return err
	}
	ok, err := s.verify(u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Invalid("currentPassword", "the current password is wrong (当前密码错误)")
	}
	if err := CheckPasswordStrength(next); err != nil {
		return apperr.Invalid("newPassword", "%s", err.Error())
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	if err := tx.User.UpdateOneID(u.ID).SetPasswordHash(hash).SetPasswordChangedAt(now).SetMustChangePassword(false).Exec(sys); err != nil {
		return err
	}
	others := tx.Session.Update().Where(session.UserID(u.ID), session.RevokedAtIsNil())
	if v.SessionID != "" {
		others.Where(session.TokenIDNEQ(v.SessionID))
	}
	if err := others.SetRevokedAt(now).Exec(sys); err != nil {
		return err
	}
	return authz.Record(ctx, tx, authz.Event{Action: "user.change_password", Entity: "User", EntityID: &u.ID, Changed: []string{"password"}})
}

// ErrHashingBusy refuses a sign-in when the memory budget of password hashing is in use.
var ErrHashingBusy = rateLimited(1, "the server is busy checking other sign-ins; try again in a second (登录繁忙，请稍后再试)")

func rateLimited(secs int, msg string) *apperr.Error {
	return &apperr.Error{Code: apperr.RateLimited, Message: msg, Extra: map[string]any{"retryAfterSeconds": secs}}
}

// checkPassword finds the active user and checks the password within the hashing budget. The
// memory is reserved before the user is looked up, so a burst beyond the budget is refused
// without a query or a hash. u is nil when no such user exists (ok is then false).
func (s *Service) checkPassword(ctx context.Context, username, password string) (u *ent.User, ok bool, err error) {
	cost := hashCost("") // the current parameters; a stored hash with larger ones reserves more below
	if !s.hashing.acquire(cost) {
		return nil, false, ErrHashingBusy
	}
	defer func() { s.hashing.release(cost) }()
	u, err = s.client.User.Query().Where(user.Username(username), user.StatusEQ(enum.UserActive)).Only(ctx)
	hash := ""
	if err == nil {
		hash = u.PasswordHash
	} else if !ent.IsNotFound(err) {
		return nil, false, err
	}
	if extra := hashCost(hash) - cost; extra > 0 {
		if !s.hashing.acquire(extra) {
			return nil, false, ErrHashingBusy
		}
		cost += extra
	}
	return u, VerifyPassword(hash, password), nil
}

// verify checks a password within the hashing budget; ErrHashingBusy when it is spent.
func (s *Service) verify(hash, password string) (bool, error) {
	cost := hashCost(hash)
	if !s.hashing.acquire(cost) {
		return false, ErrHashingBusy
	}
	defer s.hashing.release(cost)
	return VerifyPassword(hash, password), nil
}

func withTx(ctx context.Context, client *ent.Client, fn func(*ent.Client) error) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx.Client()); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// SessionRetention is how long an ended session (expired or revoked) is kept, for a user's
// own "recent sign-ins" and for investigation, before PruneSessions deletes it.
const SessionRetention = 30 * 24 * time.Hour

// PruneSessions deletes the sessions that ended (expired or were revoked) before the retention
// period, so the table holds what can still be used or recently was, not every sign-in ever.
// Sign-ins themselves stay in the audit trail.
func (s *Service) PruneSessions(ctx context.Context) (int, error) {
	cutoff := s.cfg.Now().Add(-SessionRetention)
	return s.client.Session.Delete().
		Where(session.Or(session.ExpiresAtLT(cutoff), session.RevokedAtLT(cutoff))).
		Exec(authz.Bypass(ctx, "prune ended sessions"))
}
