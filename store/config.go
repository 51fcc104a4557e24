package store

import (
	"maps"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ConfigUpdate is the outcome of UpdateConfig.
type ConfigUpdate struct {
	Config  map[string]string // the app's whole config afterwards (never nil)
	Missing []string          // names asked to unset that the app did not have, sorted
	Change  string            // what changed, e.g. "set BOT_TOKEN, DEBUG; unset X"; "" if nothing
	// TookOver are the bot ids this change took from another app that held
	// them unverified (see UpdateConfigVerified).
	TookOver []string
}

// Config returns app's config vars, opened. ErrNotFound if no such app.
func (s *Store) Config(app string) (map[string]string, error) {
	if s.box == nil {
		return nil, ErrNoSecretKey
	}
	var m map[string]string
	err := s.db.View(func(tx *bolt.Tx) error {
		if _, err := getApp(tx, app); err != nil {
			return err
		}
		var err error
		m, err = s.getConfigMap(tx.Bucket(bucketConfig), []byte(app))
		return err
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]string{}
	}
	return m, nil
}

// SetConfig is UpdateConfig returning only the new config: unsetting a
// name the app does not have is not an error.
func (s *Store) SetConfig(app string, set map[string]string, unset []string) (map[string]string, error) {
	up, err := s.UpdateConfig(app, set, unset)
	return up.Config, err
}

// UpdateConfig unsets the names in unset, then sets those in set (so a name
// in both ends up set), in one transaction: either all of it happens or,
// on any error, nothing does. It enforces the rules in configrules.go
// (INVALID_CONFIG_NAME, INVALID_CONFIG_VALUE, CONFIG_TOO_LARGE,
// INVALID_BOT_TOKEN) and that no two apps, whoever owns them, have a token
// of the same bot, whatever the vars' names (BOT_TOKEN_IN_USE). ErrNotFound if no such app.
func (s *Store) UpdateConfig(app string, set map[string]string, unset []string) (ConfigUpdate, error) {
	return s.UpdateConfigVerified(app, set, unset, nil)
}

// UpdateConfigVerified is UpdateConfig where verified are the bot ids that
// Telegram confirmed (getMe) for the tokens being set. A bot id another app
// holds unverified (its token was stored while Telegram could not be asked)
// goes to this app when this app's token of it is verified: otherwise anyone
// could keep a bot off the server by storing a made-up token with its public
// id while the API was unreachable.
func (s *Store) UpdateConfigVerified(app string, set map[string]string, unset []string, verified []string) (ConfigUpdate, error) {
	if s.box == nil {
		return ConfigUpdate{}, ErrNoSecretKey
	}
	if err := validateChange(set, unset); err != nil {
		return ConfigUpdate{}, err
	}
	var up ConfigUpdate
	err := s.db.Update(func(tx *bolt.Tx) error {
		if _, err := getApp(tx, app); err != nil {
			return err
		}
		b := tx.Bucket(bucketConfig)
		cur, err := s.getConfigMap(b, []byte(app))
		if err != nil {
			return err
		}
		up = applyChange(cur, set, unset)
		if err := checkConfigSize(up.Config); err != nil {
			return err
		}
		if up.Change == "" {
			return nil
		}
		if up.TookOver, err = s.moveBots(tx, app, cur, up.Config, verified); err != nil {
			return err
		}
		return s.putConfigMap(b, []byte(app), up.Config)
	})
	if err != nil {
		return ConfigUpdate{}, err
	}
	return up, nil
}

// applyChange computes the config after a change and describes it.
func applyChange(cur, set map[string]string, unset []string) ConfigUpdate {
	next := maps.Clone(cur)
	if next == nil {
		next = map[string]string{}
	}
	var missing []string
	for _, name := range unset {
		if _, ok := cur[name]; !ok && !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		delete(next, name)
	}
	maps.Copy(next, set)
	slices.Sort(missing)
	return ConfigUpdate{Config: next, Missing: missing, Change: describeChange(cur, next)}
}

// describeChange says which names were set (added or changed) and which
// were unset between two configs, by name only.
func describeChange(before, after map[string]string) string {
	var setNames, unsetNames []string
	for _, k := range sortedKeys(after) {
		if v, ok := before[k]; !ok || v != after[k] {
			setNames = append(setNames, k)
		}
	}
	for _, k := range sortedKeys(before) {
		if _, ok := after[k]; !ok {
			unsetNames = append(unsetNames, k)
		}
	}
	var parts []string
	if len(setNames) > 0 {
		parts = append(parts, "set "+strings.Join(setNames, ", "))
	}
	if len(unsetNames) > 0 {
		parts = append(parts, "unset "+strings.Join(unsetNames, ", "))
	}
	return strings.Join(parts, "; ")
}

// DescribeChange is the change from before to after by name only, e.g.
// "set BOT_TOKEN; unset DEBUG"; "" when they are equal.
func DescribeChange(before, after map[string]string) string { return describeChange(before, after) }

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// DiffConfig says how to turn the config cur into want: the vars to set
// (missing from cur, or with another value) and the ones to unset.
func DiffConfig(cur, want map[string]string) (set map[string]string, unset []string) {
	set = map[string]string{}
	for k, v := range want {
		if cv, ok := cur[k]; !ok || cv != v {
			set[k] = v
		}
	}
	for k := range cur {
		if _, ok := want[k]; !ok {
			unset = append(unset, k)
		}
	}
	sort.Strings(unset)
	return set, unset
}
