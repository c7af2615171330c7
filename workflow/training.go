package workflow

import (
	"time"

	"github.com/nanpiao/sbqw/ent/partyorganization"
	"github.com/nanpiao/sbqw/ent/post"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// The "1+X" training of village party secretaries (百名书记): in a year, the comprehensive
// course (the "1") and targeted courses — field visits and skill classes (the "X"). Only
// ATTENDED enrolments count towards it.
var (
	TrainingOne = []enum.CourseKind{enum.CourseComprehensive}
	TrainingX   = []enum.CourseKind{enum.CourseFieldVisit, enum.CourseSkillClass}
)

// PostHeldOn: the post's dates include day d (an open end means still held).
func PostHeldOn(d time.Time) predicate.Post {
	return post.And(post.StartOnLTE(d), post.Or(post.EndOnIsNil(), post.EndOnGTE(d)))
}

// VillageSecretaryOn: a SECRETARY post held on day d in a village's party organisation — who
// may be enrolled in, and is counted by, the "1+X" training.
func VillageSecretaryOn(d time.Time) predicate.Post {
	return post.And(post.TitleEQ(enum.PostSecretary), PostHeldOn(d),
		post.HasOrganizationWith(partyorganization.VillageIDNotNil()))
}
