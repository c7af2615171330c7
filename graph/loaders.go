package graph

import (
	"context"
	"slices"
	"time"

	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/workflow"

	"github.com/vikstrous/dataloadgen"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/post"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/trainingcourse"
	"github.com/nanpiao/sbqw/ent/trainingenrollment"
	"github.com/nanpiao/sbqw/graph/model"
)

// loaders batch per-row lookups of computed fields within one request, so that a page of 50
// members asks the database once, not 50 times. They read through ent with the caller's
// context, so the same scope rules apply.
type loaders struct {
	hasPost  *dataloadgen.Loader[int, bool]
	training *dataloadgen.Loader[memberYear, *model.TrainingProgress]
}

type memberYear struct{ member, year int }

func (l *loaders) trainingProgress(ctx context.Context, member, year int) (*model.TrainingProgress, error) {
	if year < 2000 || year > 2100 {
		return nil, apperr.Invalid("year", "year must be between 2000 and 2100")
	}
	return l.training.Load(ctx, memberYear{member, year})
}

type loadersKey struct{}

// WithLoaders gives one operation its batch loaders (posts today, training progress); the
// resolvers that batch find them with loadersFrom.
func WithLoaders(ctx context.Context, client *ent.Client) context.Context {
	l := &loaders{
		hasPost: dataloadgen.NewMappedLoader(func(ctx context.Context, memberIDs []int) (map[int]bool, error) {
			return membersWithPostToday(ctx, client, memberIDs)
		}, dataloadgen.WithWait(time.Millisecond)),
		training: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []memberYear) (map[memberYear]*model.TrainingProgress, error) {
			return trainingProgress(ctx, client, keys)
		}, dataloadgen.WithWait(time.Millisecond)),
	}
	return context.WithValue(ctx, loadersKey{}, l)
}

func loadersFrom(ctx context.Context) *loaders { return ctx.Value(loadersKey{}).(*loaders) }

// membersWithPostToday: members among ids holding a post whose dates include today.
func membersWithPostToday(ctx context.Context, client *ent.Client, ids []int) (map[int]bool, error) {
	today := clock.Today()
	var holders []int
	err := client.Post.Query().
		Where(post.MemberIDIn(ids...), workflow.PostHeldOn(today)).
		Unique(true).Select(post.FieldMemberID).Scan(ctx, &holders)
	if err != nil {
		return nil, err
	}
	out := make(map[int]bool, len(ids))
	for _, id := range ids {
		out[id] = false
	}
	for _, id := range holders {
		out[id] = true
	}
	return out, nil
}

// trainingProgress sums, per secretary and year, the attended courses of each kind and the
// hours — three GROUP BY queries for the whole batch.
func trainingProgress(ctx context.Context, client *ent.Client, keys []memberYear) (map[memberYear]*model.TrainingProgress, error) {
	out := make(map[memberYear]*model.TrainingProgress, len(keys))
	byYear := map[int][]int{}
	for _, k := range keys {
		out[k] = &model.TrainingProgress{Year: k.year}
		byYear[k.year] = append(byYear[k.year], k.member)
	}
	for year, members := range byYear {
		attended := func(kinds ...enum.CourseKind) *ent.TrainingEnrollmentQuery {
			return client.TrainingEnrollment.Query().Where(trainingenrollment.SecretaryIDIn(members...),
				trainingenrollment.AttendanceEQ(enum.AttendanceAttended),
				trainingenrollment.HasCourseWith(trainingcourse.Year(year), trainingcourse.KindIn(kinds...), trainingcourse.DeletedAtIsNil()))
		}
		var rows []struct {
			SecretaryID int     `json:"secretary_id"`
			Count       int     `json:"count"`
			Hours       float64 `json:"sum"`
		}
		if err := attended(workflow.TrainingOne...).GroupBy(trainingenrollment.FieldSecretaryID).
			Aggregate(ent.Count()).Scan(ctx, &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[memberYear{r.SecretaryID, year}].ComprehensiveDone = r.Count > 0
		}
		rows = rows[:0]
		if err := attended(workflow.TrainingX...).GroupBy(trainingenrollment.FieldSecretaryID).
			Aggregate(ent.Count()).Scan(ctx, &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[memberYear{r.SecretaryID, year}].TargetedCourses = r.Count
		}
		rows = rows[:0]
		if err := attended(slices.Concat(workflow.TrainingOne, workflow.TrainingX)...).
			GroupBy(trainingenrollment.FieldSecretaryID).Aggregate(ent.Sum(trainingenrollment.FieldHoursAttended)).Scan(ctx, &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[memberYear{r.SecretaryID, year}].Hours = r.Hours
		}
	}
	return out, nil
}
