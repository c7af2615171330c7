package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demoprojectstage"
	"github.com/nanpiao/sbqw/ent/user"
	entvisit "github.com/nanpiao/sbqw/ent/visit"
)

// Attachments gives the demo district a few attachments — a generated photo with EXIF time and
// GPS on some visits, a small PDF report on some project steps — unless it has some already.
// It runs after the district is loaded, once the attachment store is open: the content goes
// into the store first, then the row (the order every upload follows). It returns how many
// it added.
func Attachments(ctx context.Context, client *ent.Client, store *attachments.Store) (int, error) {
	ctx = authz.Bypass(ctx, "demo attachments")
	if n, err := client.Attachment.Query().Count(ctx); err != nil || n > 0 {
		return 0, err
	}
	admin, err := client.User.Query().Where(user.Username("admin")).Only(ctx)
	if err != nil {
		return 0, fmt.Errorf("demo attachments: %w", err)
	}
	visits, err := client.Visit.Query().Order(ent.Asc(entvisit.FieldID)).Limit(6).All(ctx)
	if err != nil {
		return 0, err
	}
	stages, err := client.DemoProjectStage.Query().Order(ent.Asc(demoprojectstage.FieldID)).Limit(4).All(ctx)
	if err != nil {
		return 0, err
	}
	added := 0
	put := func(content []byte, name string, set func(*ent.AttachmentCreate)) error {
		st, err := store.Put(ctx, bytes.NewReader(content))
		if err != nil {
			return err
		}
		b := client.Attachment.Create().SetSha256(st.SHA256).SetSize(st.Size).SetContentType(st.ContentType).SetName(name).
			SetNillableTakenAt(st.Exif.TakenAt).SetNillableLatitude(st.Exif.Latitude).SetNillableLongitude(st.Exif.Longitude).
			SetUploaderID(admin.ID).SetUploader(admin.Username)
		set(b)
		if err := b.Exec(ctx); err != nil {
			return err
		}
		added++
		return nil
	}
	for i, v := range visits {
		// Around Nanpiao (南票区, about 41.1°N 120.75°E), a few hundred metres apart.
		lat, lon := 41.10+float64(i)*0.003, 120.75+float64(i)*0.004
		jpg, err := attachments.SampleJPEG(96, 72, int(v.ID%251), v.VisitedAt.Add(10*time.Minute), lat, lon)
		if err != nil {
			return added, err
		}
		if err := put(jpg, fmt.Sprintf("走访照片-%d.jpg", i+1), func(b *ent.AttachmentCreate) { b.SetVisitID(v.ID) }); err != nil {
			return added, err
		}
	}
	for i, s := range stages {
		pdf := attachments.SamplePDF(fmt.Sprintf("Demonstration project step %s - report %d", s.Stage, i+1))
		if err := put(pdf, fmt.Sprintf("步骤材料-%d.pdf", i+1), func(b *ent.AttachmentCreate) { b.SetDemoProjectStageID(s.ID) }); err != nil {
			return added, err
		}
	}
	return added, nil
}
