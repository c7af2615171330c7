package stats

import (
	"context"
	"io"
	"strconv"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/ent/post"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// MemberDimension is what party members are classified by (党员分类).
type MemberDimension string

const (
	DimGender     MemberDimension = "GENDER"
	DimEducation  MemberDimension = "EDUCATION"
	DimOccupation MemberDimension = "OCCUPATION"
	DimCategory   MemberDimension = "CATEGORY"
	DimMembership MemberDimension = "MEMBERSHIP"
	DimAgeBand    MemberDimension = "AGE_BAND"
	DimHasPost    MemberDimension = "HAS_POST"
)

func (d MemberDimension) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

func (d *MemberDimension) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if _, ok := dimensions[MemberDimension(s)]; !ok {
		return apperr.Invalid("dimension", "%q is not a valid MemberDimension", s)
	}
	*d = MemberDimension(s)
	return nil
}

// dimension says how members fall into buckets: a column holding one vocabulary's values, or
// an expression, with the buckets in the order they are listed.
type dimension struct {
	column  string
	expr    func(s *sql.Selector, year int) string
	buckets []enum.Term
}

// Age bands by the age reached this year (this year − birthYear); a list filter finds the
// same members with birthYearGT/birthYearLTE.
var ageBands = []struct {
	term  enum.Term
	below int // upper bound of the band's ages, exclusive; 0 for the last band
}{
	{enum.Term{Value: "UNDER_35", Zh: "35岁以下", En: "under 35"}, 35},
	{enum.Term{Value: "35_TO_44", Zh: "35至44岁", En: "35 to 44"}, 45},
	{enum.Term{Value: "45_TO_54", Zh: "45至54岁", En: "45 to 54"}, 55},
	{enum.Term{Value: "55_TO_64", Zh: "55至64岁", En: "55 to 64"}, 65},
	{enum.Term{Value: "65_AND_OVER", Zh: "65岁及以上", En: "65 and over"}, 0},
}

var (
	withPost    = enum.Term{Value: "WITH_POST", Zh: "有职", En: "holds a post valid today"}
	withoutPost = enum.Term{Value: "WITHOUT_POST", Zh: "无职", En: "holds no post today"}
)

var dimensions = map[MemberDimension]dimension{
	DimGender:     {column: partymember.FieldGender, buckets: enum.Terms("Gender")},
	DimEducation:  {column: partymember.FieldEducation, buckets: enum.Terms("Education")},
	DimOccupation: {column: partymember.FieldOccupation, buckets: enum.Terms("Occupation")},
	DimCategory:   {column: partymember.FieldCategory, buckets: enum.Terms("MemberCategory")},
	DimMembership: {column: partymember.FieldMembership, buckets: enum.Terms("MembershipKind")},
	DimAgeBand:    {expr: ageBandSQL, buckets: ageBandTerms()},
	DimHasPost:    {buckets: []enum.Term{withPost, withoutPost}},
}

func ageBandTerms() []enum.Term {
	out := make([]enum.Term, len(ageBands))
	for i, b := range ageBands {
		out[i] = b.term
	}
	return out
}

// ageBandSQL is the band of a member's birth year, by the age reached in year, as a CASE
// expression. The bounds are integers written into the SQL (no arguments), so that GROUP BY
// can repeat it verbatim.
func ageBandSQL(s *sql.Selector, year int) string {
	out := "CASE"
	for _, b := range ageBands {
		if b.below == 0 {
			out += " ELSE '" + b.term.Value + "'"
			break
		}
		out += " WHEN " + s.C(partymember.FieldBirthYear) + " > " + strconv.Itoa(year-b.below) + " THEN '" + b.term.Value + "'"
	}
	return out + " END"
}

// MemberCount 党员分类统计: the active members of one bucket of a dimension, in a unit when the
// statistic is grouped.
type MemberCount struct {
	StatsUnit
	Value   string
	Label   string
	Members int
}

// activeMember: only members in good standing are classified.
func activeMember() predicate.PartyMember {
	return partymember.StatusEQ(enum.MemberActive)
}

// MemberComposition: the caller's active party members counted by one dimension, optionally
// per unit. Every bucket of the dimension is listed (zeros included) for every unit with
// members.
func MemberComposition(ctx context.Context, client *ent.Client, dim MemberDimension, g *StatsGrouping, at AsOf) ([]*MemberCount, error) {
	d, ok := dimensions[dim]
	if !ok {
		return nil, apperr.Invalid("dimension", "unknown dimension %q", dim)
	}
	var keys []key
	if g != nil {
		keys = append(keys, unitKey(*g))
	}
	type bucketRow struct {
		StatsUnit int    `sql:"unit"`
		Bucket    string `sql:"bucket"`
		Members   int    `sql:"members"`
	}
	var rows []bucketRow
	if dim == DimHasPost {
		total, holders, err := postHolders(ctx, client, keys, nil, at)
		if err != nil {
			return nil, err
		}
		for unit, n := range total {
			rows = append(rows, bucketRow{unit, withPost.Value, holders[unit]}, bucketRow{unit, withoutPost.Value, n - holders[unit]})
		}
	} else {
		bucket := key{col: d.column, as: "bucket"}
		if d.expr != nil {
			bucket.expr = func(s *sql.Selector) string { return d.expr(s, at.Day().Year()) }
		}
		err := client.PartyMember.Query().Where(at.member()).
			Modify(grouped(append(keys, bucket), countAll("members"))).
			Scan(ctx, &rows)
		if err != nil {
			return nil, err
		}
	}
	counts := map[int]map[string]int{}
	for _, r := range rows {
		if counts[r.StatsUnit] == nil {
			counts[r.StatsUnit] = map[string]int{}
		}
		counts[r.StatsUnit][r.Bucket] += r.Members
	}
	var units []StatsUnit
	if g == nil {
		units = []StatsUnit{{}}
		if counts[0] == nil {
			counts[0] = map[string]int{}
		}
	} else {
		byUnit := map[int]*StatsUnit{}
		for id := range counts {
			byUnit[id] = &StatsUnit{}
		}
		list, err := withUnits(ctx, client, *g, byUnit, func(u *StatsUnit) *StatsUnit { return u })
		if err != nil {
			return nil, err
		}
		for _, u := range list {
			units = append(units, *u)
		}
	}
	var out []*MemberCount
	for _, u := range units {
		id := 0
		switch {
		case u.Village != nil:
			id = u.Village.ID
		case u.Township != nil:
			id = u.Township.ID
		}
		for _, b := range d.buckets {
			out = append(out, &MemberCount{StatsUnit: u, Value: b.Value, Label: b.Zh, Members: counts[id][b.Value]})
		}
	}
	return out, nil
}

// postHolders counts, per key (none: one row under 0), the caller's active members and those
// of them holding a post valid today. Post holders are counted on the posts, through the
// posts' own scope rule.
func postHolders(ctx context.Context, client *ent.Client, keys []key, in townships, at AsOf) (map[int]int, map[int]int, error) {
	total, err := membersByUnit(ctx, client, keys, in, at)
	if err != nil {
		return nil, nil, err
	}
	with, err := holdersByUnit(ctx, client, keys, in, at)
	if err != nil {
		return nil, nil, err
	}
	for unit := range with {
		if _, ok := total[unit]; !ok {
			total[unit] = 0 // a unit whose members the caller cannot count is still listed
		}
	}
	return total, with, nil
}

// membersByUnit counts the caller's active members per unit (a COUNT(*): summing units gives
// the total over the same rows).
func membersByUnit(ctx context.Context, client *ent.Client, keys []key, in townships, at AsOf) (map[int]int, error) {
	var members []struct {
		StatsUnit int `sql:"unit"`
		Members   int `sql:"members"`
	}
	err := client.PartyMember.Query().Where(at.member(), predicate.PartyMember(in.where())).
		Modify(grouped(keys, countAll("members"))).
		Scan(ctx, &members)
	if err != nil {
		return nil, err
	}
	out := map[int]int{}
	for _, m := range members {
		out[m.StatsUnit] = m.Members
	}
	return out, nil
}

// holdersByUnit counts the active members holding a post per unit (a COUNT DISTINCT: a total
// is its own query, not a sum of units).
func holdersByUnit(ctx context.Context, client *ent.Client, keys []key, in townships, at AsOf) (map[int]int, error) {
	var holders []struct {
		StatsUnit int `sql:"unit"`
		Holders   int `sql:"holders"`
	}
	err := client.Post.Query().
		Where(at.postHeld(), predicate.Post(in.where()),
			post.HasMemberWith(at.member(), predicate.PartyMember(visible(ctx, "PartyMember")))).
		Modify(grouped(keys, countDistinct("holders", post.FieldMemberID))).
		Scan(ctx, &holders)
	if err != nil {
		return nil, err
	}
	out := map[int]int{}
	for _, h := range holders {
		out[h.StatsUnit] = h.Holders
	}
	return out, nil
}

// MemberHighlights 党员队伍概况: headline figures of a township's active members.
type MemberHighlights struct {
	Members int
	Female  int
	// Under35 and Age65AndOver use the age bands of memberComposition(AGE_BAND).
	Under35      int
	Age65AndOver int
	// CollegeEducated: junior college (大专) or above.
	CollegeEducated int
	Probationary    int
	Floating        int
	// WithPost: members holding a post valid today (有职).
	WithPost int
}

func memberHighlights(ctx context.Context, client *ent.Client, townshipID int, at AsOf) (*MemberHighlights, error) {
	year := at.Day().Year()
	var rows []struct {
		Members   int `sql:"members"`
		Female    int `sql:"female"`
		Young     int `sql:"young"`
		Old       int `sql:"old"`
		College   int `sql:"college"`
		Probation int `sql:"probation"`
		Floating  int `sql:"floating"`
	}
	err := client.PartyMember.Query().Where(at.member(), partymember.TownshipID(townshipID)).
		Modify(grouped(nil,
			countAll("members"),
			countIf("female", partymember.GenderEQ(enum.GenderFemale)),
			countIf("young", partymember.BirthYearGT(year-ageBands[0].below)),
			countIf("old", partymember.BirthYearLTE(year-ageBands[len(ageBands)-2].below)),
			countIf("college", partymember.EducationIn("JUNIOR_COLLEGE", "BACHELOR", "POSTGRADUATE")),
			countIf("probation", partymember.MembershipEQ("PROBATIONARY")),
			countIf("floating", partymember.CategoryEQ("FLOATING")),
		)).
		Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	_, holders, err := postHolders(ctx, client, nil, oneTownship(townshipID), at)
	if err != nil {
		return nil, err
	}
	h := &MemberHighlights{WithPost: holders[0]}
	if len(rows) == 1 {
		r := rows[0]
		h.Members, h.Female, h.Under35, h.Age65AndOver = r.Members, r.Female, r.Young, r.Old
		h.CollegeEducated, h.Probationary, h.Floating = r.College, r.Probation, r.Floating
	}
	return h, nil
}
