package workflow

import (
	"context"
	"strconv"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/setting"
)

// Settings are the programme rules the district may tune at run time; they live in the
// settings table so every replica applies the same values.
type Settings struct {
	MaxHouseholdsPerCadre int // active pairings one cadre may hold (一对多 limit)
	VisitLockDays         int // a visit can be corrected for this many days, then it is locked
	ExitNoticeDays        int // public notice (公示) between the township's verification and the office's confirmation of an exit
}

// Defaults apply until the district changes them.
var Defaults = Settings{MaxHouseholdsPerCadre: 5, VisitLockDays: 7, ExitNoticeDays: 7}

const (
	keyMaxHouseholds = "programme.max_households_per_cadre"
	keyVisitLockDays = "programme.visit_lock_days"
	keyExitNotice    = "poverty.exit_notice_days"
)

// LoadSettings reads the settings in force.
func LoadSettings(ctx context.Context, client *ent.Client) (Settings, error) {
	s := Defaults
	rows, err := client.Setting.Query().Where(setting.KeyIn(keyMaxHouseholds, keyVisitLockDays, keyExitNotice)).All(authz.Bypass(ctx, "read settings"))
	if err != nil {
		return s, err
	}
	for _, r := range rows {
		n, err := strconv.Atoi(r.Value)
		if err != nil {
			continue
		}
		switch r.Key {
		case keyMaxHouseholds:
			s.MaxHouseholdsPerCadre = n
		case keyVisitLockDays:
			s.VisitLockDays = n
		case keyExitNotice:
			s.ExitNoticeDays = n
		}
	}
	return s, nil
}

// UpdateSettings changes settings (DISTRICT); nil leaves a value as it is.
func UpdateSettings(ctx context.Context, tx *ent.Client, maxHouseholds, lockDays *int) (Settings, error) {
	return updateSettings(ctx, tx, maxHouseholds, lockDays, nil)
}

// UpdateExitNotice changes the public notice period of exits (DISTRICT), 0–90 days.
func UpdateExitNotice(ctx context.Context, tx *ent.Client, days int) (Settings, error) {
	return updateSettings(ctx, tx, nil, nil, &days)
}

func updateSettings(ctx context.Context, tx *ent.Client, maxHouseholds, lockDays, exitNoticeDays *int) (Settings, error) {
	if err := authz.RequireDistrictWide(ctx, authz.ObjectSetting, authz.ActionUpdate); err != nil {
		return Settings{}, err
	}
	set := func(key string, v *int, lo, hi int, field string) error {
		if v == nil {
			return nil
		}
		if *v < lo || *v > hi {
			return apperr.Invalid(field, "must be between %d and %d", lo, hi)
		}
		return tx.Setting.Create().SetKey(key).SetValue(strconv.Itoa(*v)).
			OnConflictColumns(setting.FieldKey).UpdateNewValues().Exec(authz.Bypass(ctx, "update settings"))
	}
	if err := set(keyMaxHouseholds, maxHouseholds, 1, 50, "maxHouseholdsPerCadre"); err != nil {
		return Settings{}, err
	}
	if err := set(keyVisitLockDays, lockDays, 0, 365, "visitLockDays"); err != nil {
		return Settings{}, err
	}
	if err := set(keyExitNotice, exitNoticeDays, 0, 90, "exitNoticeDays"); err != nil {
		return Settings{}, err
	}
	if err := authz.Record(ctx, tx, authz.Event{Action: "settings.update", Entity: ent.TypeSetting}); err != nil {
		return Settings{}, err
	}
	return LoadSettings(ctx, tx)
}
