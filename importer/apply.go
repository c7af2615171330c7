package importer

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/cadre"
	"github.com/nanpiao/sbqw/ent/household"
	"github.com/nanpiao/sbqw/ent/privacy"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/setting"
	"github.com/nanpiao/sbqw/pii"
)

// Result is what an import did or would do.
type Result struct {
	Kind     string         `json:"kind"`
	SHA256   string         `json:"sha256"`
	DryRun   bool           `json:"dryRun"`
	Applied  bool           `json:"applied"`            // the rows are written (now or by the first commit of this file)
	Replayed bool           `json:"replayed,omitempty"` // this file was committed before: the first commit's result
	Rows     int            `json:"rows"`               // data rows read
	Created  map[string]int `json:"created"`            // records written (or that would be), by list name
	At       time.Time      `json:"at,omitzero"`        // when the commit was applied
	Problems []Problem      `json:"problems"`
}

// Problem-free results and a commit's stored result carry no problems.
func (r *Result) ok() bool { return len(r.Problems) == 0 }

// Bad is a Result for a file refused before it was read (e.g. too large).
func Bad(k Kind, reason string) *Result {
	return &Result{Kind: k.Name, Created: map[string]int{}, Problems: []Problem{problem("", 0, "", reason)}}
}

// Run imports data as the caller in ctx. A dry run, and a commit that finds any problem, roll
// everything back. A commit is idempotent by the file's SHA-256: its result is stored (a
// Setting keyed by kind and hash, inserted first in the transaction, so concurrent commits of
// the same file queue on that key and all but the first find the stored result). The key is
// per kind and per account.
func Run(ctx context.Context, client *ent.Client, k Kind, data []byte, dryRun bool) (*Result, error) {
	sum := sha256.Sum256(data)
	res := &Result{Kind: k.Name, SHA256: hex.EncodeToString(sum[:]), DryRun: dryRun, Created: map[string]int{}}
	// The stored result is the caller's own: another account sending the same file has it
	// checked afresh (and gets its own problems), never a result about rows it may not see.
	var user int
	if v := authz.FromContext(ctx); v != nil {
		user = v.UserID
	}
	claim := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%x", k.Name, user, sum))
	key := "import:" + base64.RawURLEncoding.EncodeToString(claim[:])
	if !dryRun {
		if prev, err := stored(ctx, client, key); err != nil || prev != nil {
			return prev, err
		}
	}
	wb := read(data, k)
	res.Rows, res.Problems = wb.rows, wb.problems
	if len(wb.sheets) == 0 && !res.ok() {
		return res, nil
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }() // after Commit, a no-op
	tctx := ent.NewTxContext(ent.NewContext(ctx, tx.Client()), tx)
	if !dryRun {
		if err := tx.Setting.Create().SetKey(key).SetValue("{}").Exec(authz.Bypass(tctx, "import: claim the file")); err != nil {
			if ent.IsConstraintError(err) {
				_ = tx.Rollback()
				return stored(ctx, client, key)
			}
			return nil, err
		}
	}
	im := &importer{tx: tx, ctx: tctx, res: res}
	if err := im.prepare(); err != nil {
		return nil, err
	}
	switch k.Name {
	case "households":
		err = im.households(wb.sheets["农户"], wb.sheets["家庭成员"])
	case "partyMembers":
		err = im.partyMembers(wb.sheets["党员"])
	case "pairings":
		err = im.pairings(wb.sheets["结对"])
	default:
		err = fmt.Errorf("importer: no rules for %q", k.Name)
	}
	if err != nil {
		return nil, err
	}
	if dryRun || !res.ok() {
		return res, nil // rolled back by the deferred call
	}
	res.Applied, res.At = true, time.Now().UTC().Truncate(time.Second)
	keep, _ := json.Marshal(res)
	if err := tx.Setting.Update().Where(setting.Key(key)).SetValue(string(keep)).Exec(authz.Bypass(tctx, "import: keep the result")); err != nil {
		return nil, err
	}
	if err := authz.Record(tctx, tx.Client(), authz.Event{Action: "import." + k.Name,
		Detail: fmt.Sprintf("sha256 %s: %d rows, created %v", res.SHA256, res.Rows, res.Created)}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return res, nil
}

// stored returns the result of an earlier commit of the same file, or nil.
func stored(ctx context.Context, client *ent.Client, key string) (*Result, error) {
	s, err := client.Setting.Query().Where(setting.Key(key)).Only(authz.Bypass(ctx, "import: earlier result"))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r Result
	if err := json.Unmarshal([]byte(s.Value), &r); err != nil {
		return nil, err
	}
	r.Replayed, r.DryRun = true, false
	return &r, nil
}

// importer holds one run's transaction and the reference data rows are matched against.
type importer struct {
	tx  *ent.Tx
	ctx context.Context
	res *Result

	villageByCode map[string]*ent.Village
	villageByName map[string][]*ent.Village
}

func (im *importer) prepare() error {
	vs, err := im.tx.Village.Query().All(im.ctx) // reference data: every caller reads it
	if err != nil {
		return err
	}
	im.villageByCode, im.villageByName = map[string]*ent.Village{}, map[string][]*ent.Village{}
	for _, v := range vs {
		im.villageByCode[v.Code] = v
		im.villageByName[v.Name] = append(im.villageByName[v.Name], v)
	}
	return nil
}

func (im *importer) add(p Problem) { im.res.Problems = append(im.res.Problems, p) }

// village finds the village a cell names, by 12-digit code or by name.
func (im *importer) village(sheet string, r record, key, header string) (*ent.Village, bool) {
	v := r.get(key)
	if textNumber(v) {
		im.add(problem(sheet, r.row, header, NumberNotText))
		return nil, false
	}
	if x := im.villageByCode[v]; x != nil {
		return x, true
	}
	switch byName := im.villageByName[v]; len(byName) {
	case 1:
		return byName[0], true
	case 0:
		im.add(problem(sheet, r.row, header, VillageUnknown))
	default:
		im.add(problem(sheet, r.row, header, VillageAmbiguous))
	}
	return nil, false
}

// vocab reads an optional vocabulary cell; ok is false when a value is there but unknown.
func (im *importer) vocab(sheet string, r record, c Column) (string, bool) {
	v := r.get(c.Key)
	if v == "" {
		return "", true
	}
	t, ok := term(c.Vocab, v)
	if !ok {
		p := problem(sheet, r.row, c.Header, UnknownTerm)
		p.MessageZh += "：" + strings.Join(termList(c.Vocab), "、")
		im.add(p)
	}
	return t, ok
}

// idNumber checks an ID number cell before the write (the write checks it again), to give the
// precise reason.
func (im *importer) idNumber(sheet string, r record, header string) (string, bool) {
	v := strings.ToUpper(r.get("idNumber"))
	if textNumber(v) {
		im.add(problem(sheet, r.row, header, NumberNotText))
		return "", false
	}
	if _, err := pii.ParseIDNumber(v, time.Now()); err != nil {
		reason := IDInvalid
		if len(v) == 18 && strings.Trim(v[:17], "0123456789") == "" && pii.CheckChar(v[:17]) != v[17] {
			reason = IDChecksum
		}
		im.add(problem(sheet, r.row, header, reason))
		return "", false
	}
	return v, true
}

// refused turns an error of a write into the row's problem; it returns the error back when it
// is not about the row (the database failed), which ends the import.
func (im *importer) refused(sheet string, r record, headers map[string]string, err error) error {
	column := func(field string) string {
		if h, ok := headers[field]; ok {
			return h
		}
		return ""
	}
	var ve *ent.ValidationError
	e, isApp := apperr.As(err)
	// A record placed in a village (households, party members) that the caller's scope does
	// not reach is refused by the privacy rules, as NOT_FOUND or FORBIDDEN: its village is the
	// cause.
	outside := errors.Is(err, privacy.Deny) || isApp && (e.Code == apperr.NotFound || e.Code == apperr.Forbidden)
	switch {
	case outside && headers["scope"] != "":
		im.add(problem(sheet, r.row, headers["scope"], VillageOutOfScope))
	case isApp:
		col := column(e.Field)
		switch e.Code {
		case apperr.NotFound:
			im.add(problem(sheet, r.row, col, OutOfScope))
		case apperr.Forbidden:
			im.add(detailed(sheet, r.row, col, NotAllowed, e.Message))
		case apperr.Conflict:
			im.add(detailed(sheet, r.row, col, AlreadyRecorded, e.Message))
		case apperr.BadUserInput:
			im.add(detailed(sheet, r.row, col, Rejected, e.Message))
		default:
			return err
		}
	case errors.As(err, &ve):
		im.add(detailed(sheet, r.row, column(apperr.FieldName(ve.Name)), InvalidValue, ve.Error()))
	case ent.IsConstraintError(err):
		im.add(problem(sheet, r.row, headers["unique"], AlreadyRecorded))
	case errors.Is(err, privacy.Deny):
		im.add(problem(sheet, r.row, "", NotAllowed))
	default:
		return err
	}
	return nil
}

// householdKey names a household by village and number.
type householdKey struct {
	village int
	number  string
}

func (im *importer) households(hs, rs []record) error {
	const hsheet, rsheet = "农户", "家庭成员"
	cols := columns("households", hsheet)
	headers := map[string]string{"villageID": "所属村", "number": "户编号", "headName": "户主姓名", "address": "住址",
		"category": "农户类别", "incomePerCapita": "人均纯收入（元）", "unique": "户编号", "scope": "所属村"}
	created := map[householdKey]int{}
	firstRow := map[householdKey]int{}
	for _, r := range hs {
		v, ok := im.village(hsheet, r, "village", "所属村")
		cat, catOK := im.vocab(hsheet, r, cols["category"])
		var income *float64
		if s := r.get("income"); s != "" {
			f, err := atof(s)
			if err != nil {
				im.add(problem(hsheet, r.row, "人均纯收入（元）", InvalidNumber))
				ok = false
			}
			income = &f
		}
		if !ok || !catOK {
			continue
		}
		k := householdKey{v.ID, r.get("number")}
		if first, dup := firstRow[k]; dup {
			p := problem(hsheet, r.row, "户编号", DuplicateInFile)
			p.MessageZh += fmt.Sprintf("（第 %d 行）", first)
			p.Message += fmt.Sprintf(" (row %d)", first)
			im.add(p)
			continue
		}
		firstRow[k] = r.row
		in := ent.CreateHouseholdInput{VillageID: v.ID, Number: k.number, HeadName: r.get("headName"), IncomePerCapita: income}
		if a := r.get("address"); a != "" {
			in.Address = &a
		}
		if cat != "" {
			c := enum.HouseholdCategory(cat)
			in.Category = &c
			// The category follows the poverty status (workflow.PovertyRules): a registered poor
			// household is identified as in poverty; other categories come from the exit workflow
			// and monitoring, and the rules refuse them here with the reason.
			if c == enum.HouseholdRegisteredPoor {
				s := enum.StatusInPoverty
				in.PovertyStatus = &s
			}
		}
		h, err := im.tx.Household.Create().SetInput(in).Save(im.ctx)
		if err != nil {
			if err := im.refused(hsheet, r, headers, err); err != nil {
				return err
			}
			continue
		}
		created[k] = h.ID
		im.res.Created["households"]++
	}
	rcols := columns("households", rsheet)
	rheaders := map[string]string{"name": "姓名", "relation": "与户主关系", "idNumber": "身份证号", "phone": "联系电话",
		"health": "健康状况", "laborSkill": "劳动技能", "education": "文化程度", "householdID": "户编号", "unique": "身份证号"}
	seenID := map[string]int{}
	for _, r := range rs {
		v, ok := im.village(rsheet, r, "village", "所属村")
		rel, relOK := im.vocab(rsheet, r, rcols["relation"])
		health, hOK := im.vocab(rsheet, r, rcols["health"])
		skill, sOK := im.vocab(rsheet, r, rcols["laborSkill"])
		edu, eOK := im.vocab(rsheet, r, rcols["education"])
		id, idOK := im.idNumber(rsheet, r, "身份证号")
		if !ok || !relOK || !hOK || !sOK || !eOK || !idOK {
			continue
		}
		if first, dup := seenID[id]; dup {
			p := problem(rsheet, r.row, "身份证号", DuplicateInFile)
			p.MessageZh += fmt.Sprintf("（第 %d 行）", first)
			p.Message += fmt.Sprintf(" (row %d)", first)
			im.add(p)
			continue
		}
		seenID[id] = r.row
		hid, found := created[householdKey{v.ID, r.get("number")}]
		if !found {
			if _, inFile := firstRow[householdKey{v.ID, r.get("number")}]; inFile {
				continue // its household row has a problem of its own
			}
			x, err := im.tx.Household.Query().Where(household.VillageID(v.ID), household.Number(r.get("number"))).OnlyID(im.ctx)
			if err != nil {
				if !ent.IsNotFound(err) && !ent.IsNotSingular(err) && !errors.Is(err, privacy.Deny) {
					if _, isApp := apperr.As(err); !isApp {
						return err
					}
				}
				im.add(problem(rsheet, r.row, "户编号", HouseholdUnknown))
				continue
			}
			hid = x
		}
		in := ent.CreateResidentInput{HouseholdID: hid, Name: r.get("name"), Relation: enum.Relation(rel), IDNumber: id}
		if p := r.get("phone"); p != "" {
			in.Phone = &p
		}
		if health != "" {
			x := enum.HealthStatus(health)
			in.Health = &x
		}
		if skill != "" {
			x := enum.LaborSkill(skill)
			in.LaborSkill = &x
		}
		if edu != "" {
			x := enum.Education(edu)
			in.Education = &x
		}
		if err := im.tx.Resident.Create().SetInput(in).Exec(im.ctx); err != nil {
			if err := im.refused(rsheet, r, rheaders, err); err != nil {
				return err
			}
			continue
		}
		im.res.Created["residents"]++
	}
	return nil
}

func (im *importer) partyMembers(ms []record) error {
	const sheet = "党员"
	cols := columns("partyMembers", sheet)
	headers := map[string]string{"name": "姓名", "idNumber": "身份证号", "phone": "联系电话", "villageID": "所在村", "organizationID": "所属党组织",
		"education": "学历", "occupation": "职业", "joinedOn": "入党日期", "membership": "正式/预备", "category": "党员分类", "location": "现居住地",
		"specialties": "特长", "unique": "身份证号", "scope": "所在村"}
	orgs, err := im.tx.PartyOrganization.Query().All(im.ctx)
	if err != nil {
		return err
	}
	orgByName := map[string][]*ent.PartyOrganization{}
	for _, o := range orgs {
		orgByName[o.Name] = append(orgByName[o.Name], o)
	}
	seenID := map[string]int{}
	for _, r := range ms {
		v, ok := im.village(sheet, r, "village", "所在村")
		edu, eOK := im.vocab(sheet, r, cols["education"])
		occ, oOK := im.vocab(sheet, r, cols["occupation"])
		mem, mOK := im.vocab(sheet, r, cols["membership"])
		cat, cOK := im.vocab(sheet, r, cols["category"])
		id, idOK := im.idNumber(sheet, r, "身份证号")
		joined, dOK := parseDate(r.get("joinedOn"))
		if !dOK {
			im.add(problem(sheet, r.row, "入党日期", InvalidDate))
		}
		var org *ent.PartyOrganization
		switch cands := orgByName[r.get("organization")]; len(cands) {
		case 0:
			im.add(problem(sheet, r.row, "所属党组织", OrgUnknown))
		case 1:
			org = cands[0]
		default:
			for _, o := range cands {
				if v != nil && o.VillageID == v.ID {
					org = o
				}
			}
			if org == nil {
				im.add(problem(sheet, r.row, "所属党组织", OrgUnknown))
			}
		}
		if ok && org != nil && org.VillageID != 0 && org.VillageID != v.ID {
			// A member takes its village from its organisation: a village elsewhere lies outside
			// the organisation's (and so the member's) scope.
			im.add(problem(sheet, r.row, "所在村", VillageOutOfScope))
			continue
		}
		if !ok || !eOK || !oOK || !mOK || !cOK || !idOK || !dOK || org == nil {
			continue
		}
		if first, dup := seenID[id]; dup {
			p := problem(sheet, r.row, "身份证号", DuplicateInFile)
			p.MessageZh += fmt.Sprintf("（第 %d 行）", first)
			p.Message += fmt.Sprintf(" (row %d)", first)
			im.add(p)
			continue
		}
		seenID[id] = r.row
		in := ent.CreatePartyMemberInput{Name: r.get("name"), IDNumber: id, Education: enum.Education(edu), Occupation: enum.Occupation(occ),
			JoinedOn: joined, Category: enum.MemberCategory(cat), OrganizationID: org.ID}
		if org.VillageID != 0 {
			in.VillageID = &v.ID // must agree with the organisation's; a department's member has none
		}
		if p := r.get("phone"); p != "" {
			in.Phone = &p
		}
		if mem != "" {
			x := enum.MembershipKind(mem)
			in.Membership = &x
		}
		if l := r.get("location"); l != "" {
			in.Location = &l
		}
		if s := r.get("specialties"); s != "" {
			in.Specialties = strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' })
		}
		if err := im.tx.PartyMember.Create().SetInput(in).Exec(im.ctx); err != nil {
			if err := im.refused(sheet, r, headers, err); err != nil {
				return err
			}
			continue
		}
		im.res.Created["partyMembers"]++
	}
	return nil
}

func (im *importer) pairings(ps []record) error {
	const sheet = "结对"
	headers := map[string]string{"cadreID": "干部姓名", "householdID": "户编号", "startOn": "结对日期", "unique": "户编号"}
	deps, err := im.tx.Department.Query().All(im.ctx)
	if err != nil {
		return err
	}
	depBy := map[string]int{}
	for _, d := range deps {
		depBy[d.Name], depBy[d.Code] = d.ID, d.ID
	}
	seen := map[[2]int]int{}
	for _, r := range ps {
		v, ok := im.village(sheet, r, "village", "所属村")
		start, dOK := parseDate(r.get("startOn"))
		if !dOK {
			im.add(problem(sheet, r.row, "结对日期", InvalidDate))
		}
		dep, depOK := depBy[r.get("department")]
		if !depOK {
			im.add(problem(sheet, r.row, "干部所属部门", DepartmentUnknown))
		}
		if !ok || !dOK || !depOK {
			continue
		}
		cs, err := im.tx.Cadre.Query().Where(cadre.DepartmentID(dep), cadre.Name(r.get("cadre"))).IDs(im.ctx)
		if err != nil {
			return err
		}
		if len(cs) != 1 {
			im.add(problem(sheet, r.row, "干部姓名", map[bool]string{true: CadreUnknown, false: CadreAmbiguous}[len(cs) == 0]))
			continue
		}
		hid, err := im.tx.Household.Query().Where(household.VillageID(v.ID), household.Number(r.get("number"))).OnlyID(im.ctx)
		if err != nil {
			if _, isApp := apperr.As(err); !isApp && !ent.IsNotFound(err) && !ent.IsNotSingular(err) && !errors.Is(err, privacy.Deny) {
				return err
			}
			im.add(problem(sheet, r.row, "户编号", HouseholdUnknown))
			continue
		}
		k := [2]int{cs[0], hid}
		if first, dup := seen[k]; dup {
			p := problem(sheet, r.row, "户编号", DuplicateInFile)
			p.MessageZh += fmt.Sprintf("（第 %d 行）", first)
			p.Message += fmt.Sprintf(" (row %d)", first)
			im.add(p)
			continue
		}
		seen[k] = r.row
		if err := im.tx.Pairing.Create().SetInput(ent.CreatePairingInput{StartOn: start, CadreID: cs[0], HouseholdID: hid}).Exec(im.ctx); err != nil {
			if err := im.refused(sheet, r, headers, err); err != nil {
				return err
			}
			continue
		}
		im.res.Created["pairings"]++
	}
	return nil
}

// columns returns a sheet's columns by key.
func columns(kind, sheet string) map[string]Column {
	k, _ := KindNamed(kind)
	out := map[string]Column{}
	for _, s := range k.Sheets {
		if s.Name == sheet {
			for _, c := range s.Columns {
				out[c.Key] = c
			}
		}
	}
	return out
}
