package demo

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Posts (任职): village committees elected in the 2021 general election (换届), their group
// leaders, the township committees and the department branches, with some earlier posts
// that have ended, for history.

// postSink collects post builders; end is nil for a post still held.
type postSink func(m *member, orgID int, title enum.PostTitle, start time.Time, end *time.Time)

func (l *loader) loadPosts(ctx context.Context) error {
	var bs []*ent.PostCreate
	sink := func(m *member, orgID int, title enum.PostTitle, start time.Time, end *time.Time) {
		b := l.tx.Post.Create().SetMemberID(m.id).SetOrganizationID(orgID).SetTitle(title).SetStartOn(start).
			SetNillableTownshipID(m.tID).SetNillableVillageID(m.vID)
		if end != nil {
			b.SetEndOn(*end)
		}
		bs = append(bs, b)
	}
	for _, v := range l.villages {
		l.villagePosts(v, sink)
	}
	for _, t := range l.townships {
		l.townshipPosts(t, sink)
	}
	for _, d := range l.departments {
		l.departmentPosts(d, sink)
	}
	_, err := insert(ctx, l, "Post", bs, func(ctx context.Context, b []*ent.PostCreate) ([]*ent.Post, error) {
		return l.tx.Post.CreateBulk(b...).Save(ctx)
	})
	return err
}

// picker hands out distinct members of a pool in random order, preferring an age range.
type picker struct {
	pool []*member
	used map[*member]bool
}

func (p *picker) take(lo, hi int) *member {
	for _, m := range p.pool {
		if !p.used[m] && m.age() >= lo && m.age() <= hi {
			p.used[m] = true
			return m
		}
	}
	for _, m := range p.pool { // nobody of that age left: anyone will do
		if !p.used[m] {
			p.used[m] = true
			return m
		}
	}
	return nil
}

func (l *loader) villagePosts(v *village, post postSink) {
	r := l.r
	var eligible []*member
	for _, m := range v.members {
		if m.active && !m.floating && m.age() >= 25 && m.age() <= 72 {
			eligible = append(eligible, m)
		}
	}
	p := &picker{pool: shuffled(r, eligible), used: map[*member]bool{}}
	election := r.dateBetween(day(2021, 1, 10), day(2021, 3, 31))
	endOfLastTerm := election.AddDate(0, 0, -1)

	sec := p.take(35, 60)
	if sec == nil { // no one able to serve: the oldest hand keeps the office
		sec = v.members[0]
	}
	v.secretary = sec
	secStart := election
	if r.chance(0.2) { // replaced after the election
		secStart = r.dateBetween(day(2022, 3, 1), day(2024, 6, 30))
	}
	if secStart != election || r.chance(0.3) {
		if prev := p.take(50, 72); prev != nil {
			end := secStart.AddDate(0, 0, -1)
			post(prev, v.orgID, "SECRETARY", r.dateBetween(day(2014, 1, 5), day(2018, 3, 31)), &end)
		}
	}
	post(sec, v.orgID, "SECRETARY", secStart, nil)
	if r.chance(0.8) { // 一肩挑: the secretary also directs the village committee
		post(sec, v.orgID, "VILLAGE_DIRECTOR", secStart, nil)
	} else if dir := p.take(30, 62); dir != nil {
		post(dir, v.orgID, "VILLAGE_DIRECTOR", election, nil)
	}
	l.takePosts(p, post, v.orgID, "DEPUTY_SECRETARY", 1, 28, 62, election)
	l.takePosts(p, post, v.orgID, "COMMITTEE_MEMBER", r.between(2, 3), 28, 65, election)
	l.takePosts(p, post, v.orgID, "VILLAGE_COMMITTEE_MEMBER", r.between(1, 2), 25, 60, election)
	if r.chance(0.35) {
		if old := p.take(50, 72); old != nil {
			post(old, v.orgID, "COMMITTEE_MEMBER", r.dateBetween(day(2015, 1, 5), day(2018, 3, 31)), &endOfLastTerm)
		}
	}
	for range r.between(3, 6) {
		if m := p.take(30, 70); m != nil {
			post(m, v.orgID, "PARTY_GROUP_LEADER", r.dateBetween(election, day(2025, 6, 30)), nil)
		}
	}
	for range r.between(8, 13) {
		if m := p.take(30, 70); m != nil {
			post(m, v.orgID, "GROUP_LEADER", r.dateBetween(election, day(2025, 6, 30)), nil)
		}
	}
}

func (l *loader) takePosts(p *picker, post postSink, orgID int, title enum.PostTitle, n, lo, hi int, start time.Time) {
	for range n {
		if m := p.take(lo, hi); m != nil {
			post(m, orgID, title, start, nil)
		}
	}
}

// townshipPosts: the township committee elected in autumn 2021 — secretary, two deputies, four
// members — and a member whose term ended then.
func (l *loader) townshipPosts(t *township, post postSink) {
	election := l.r.dateBetween(day(2021, 9, 1), day(2021, 10, 31))
	titles := []enum.PostTitle{"SECRETARY", "DEPUTY_SECRETARY", "DEPUTY_SECRETARY", "COMMITTEE_MEMBER", "COMMITTEE_MEMBER", "COMMITTEE_MEMBER", "COMMITTEE_MEMBER"}
	for i, title := range titles {
		post(t.staff[i], t.orgID, title, election, nil)
	}
	end := election.AddDate(0, 0, -1)
	post(t.staff[len(titles)], t.orgID, "COMMITTEE_MEMBER", l.r.dateBetween(day(2016, 9, 1), day(2016, 12, 31)), &end)
}

// departmentPosts: a department branch's secretary (a deputy head) and two committee members.
func (l *loader) departmentPosts(d *department, post postSink) {
	var members []*member
	for _, c := range d.cadres[1:] { // the head leads the department, a deputy the branch
		if c.member != nil {
			members = append(members, c.member)
		}
	}
	start := l.r.dateBetween(day(2022, 1, 1), day(2024, 6, 30))
	for i, m := range members[:min(3, len(members))] {
		title := enum.PostCommitteeMember
		if i == 0 {
			title = "SECRETARY"
		}
		post(m, d.orgID, title, start, nil)
	}
}
