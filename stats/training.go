package stats

import (
	"context"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/ent/post"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/trainingcourse"
	"github.com/nanpiao/sbqw/ent/trainingenrollment"
	"github.com/nanpiao/sbqw/workflow"
)

// TrainingCompletion 书记培训完成情况: a unit's village secretaries and their "1+X" training in a
// year.
type TrainingCompletion struct {
	StatsUnit
	// Secretaries: members holding a SECRETARY post, valid today, in a village organisation.
	Secretaries int
	// ComprehensiveAttended: secretaries who ATTENDED a COMPREHENSIVE course (the "1") of the year.
	ComprehensiveAttended int
	// ComprehensiveRate is ComprehensiveAttended / Secretaries; nil without secretaries.
	ComprehensiveRate *float64
	// XCoursesAttended: FIELD_VISIT and SKILL_CLASS courses (the "X") of the year attended by
	// the secretaries; AverageXCourses divides it by Secretaries.
	XCoursesAttended int
	AverageXCourses  *float64
	// HoursAttended: class hours of all the year's courses the secretaries attended.
	HoursAttended float64
}

// villageSecretaryPost: a SECRETARY post held today in a village's party organisation the
// caller can see.
func villageSecretaryPost(ctx context.Context, at AsOf) predicate.Post {
	return post.And(workflow.VillageSecretaryOn(at.Day()),
		post.HasOrganizationWith(predicate.PartyOrganization(visible(ctx, "PartyOrganization"))))
}

// TrainingCompletionByUnit: per unit, the village secretaries' training in year.
func TrainingCompletionByUnit(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf) ([]*TrainingCompletion, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	return trainingCompletion(ctx, client, year, g, nil, at)
}

func trainingCompletion(ctx context.Context, client *ent.Client, year int, g StatsGrouping, in townships, at AsOf) ([]*TrainingCompletion, error) {
	var secs []struct {
		StatsUnit   int `sql:"unit"`
		Secretaries int `sql:"secretaries"`
	}
	err := client.Post.Query().
		Where(villageSecretaryPost(ctx, at), predicate.Post(in.where())).
		Modify(grouped([]key{unitKey(g)}, countDistinct("secretaries", post.FieldMemberID))).
		Scan(ctx, &secs)
	if err != nil {
		return nil, err
	}
	var att []struct {
		StatsUnit     int      `sql:"unit"`
		Comprehensive int      `sql:"comprehensive"`
		XCourses      int      `sql:"x_courses"`
		Hours         *float64 `sql:"hours"`
	}
	err = client.TrainingEnrollment.Query().
		Where(predicate.TrainingEnrollment(in.where()),
			trainingenrollment.AttendanceEQ(enum.AttendanceAttended),
			trainingenrollment.HasCourseWith(trainingcourse.Year(year), predicate.TrainingCourse(visible(ctx, "TrainingCourse"))),
			trainingenrollment.HasSecretaryWith(predicate.PartyMember(visible(ctx, "PartyMember")),
				partymember.HasPostsWith(villageSecretaryPost(ctx, at), predicate.Post(visible(ctx, "Post"))))).
		Modify(grouped([]key{unitKey(g)},
			countDistinctIf("comprehensive", trainingenrollment.FieldSecretaryID,
				trainingenrollment.HasCourseWith(trainingcourse.KindIn(workflow.TrainingOne...))),
			countIf("x_courses", trainingenrollment.HasCourseWith(
				trainingcourse.KindIn(workflow.TrainingX...))),
			sumOf("hours", trainingenrollment.FieldHoursAttended),
		)).
		Scan(ctx, &att)
	if err != nil {
		return nil, err
	}
	rows := map[int]*TrainingCompletion{}
	for _, s := range secs {
		row(rows, s.StatsUnit).Secretaries = s.Secretaries
	}
	for _, a := range att {
		r := row(rows, a.StatsUnit)
		r.ComprehensiveAttended, r.XCoursesAttended = a.Comprehensive, a.XCourses
		if a.Hours != nil {
			r.HoursAttended = *a.Hours
		}
	}
	for _, r := range rows {
		r.ComprehensiveRate = ratio(float64(r.ComprehensiveAttended), float64(r.Secretaries))
		r.AverageXCourses = ratio(float64(r.XCoursesAttended), float64(r.Secretaries))
	}
	return withUnits(ctx, client, g, rows, func(r *TrainingCompletion) *StatsUnit { return &r.StatsUnit })
}
