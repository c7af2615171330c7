package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	entcadre "github.com/nanpiao/sbqw/ent/cadre"
	entcontribution "github.com/nanpiao/sbqw/ent/contribution"
	entdemand "github.com/nanpiao/sbqw/ent/demand"
	"github.com/nanpiao/sbqw/ent/demoprojectstage"
	entdepartment "github.com/nanpiao/sbqw/ent/department"
	entpairing "github.com/nanpiao/sbqw/ent/pairing"
	entrectification "github.com/nanpiao/sbqw/ent/rectification"
	enttownship "github.com/nanpiao/sbqw/ent/township"
	"github.com/nanpiao/sbqw/ent/user"
	entvillage "github.com/nanpiao/sbqw/ent/village"
	entvisit "github.com/nanpiao/sbqw/ent/visit"
)

// Attachments gives the demo district a few attachments on every kind of owner record, in
// every township — a generated photo with EXIF time and GPS on a visit, a small PDF on a
// project step, a rectification, a contribution and a demand — unless it has some already:
//   - per township, the first visit, project step, rectification, contribution and demand;
//   - the first village's first visit and demand;
//   - the first visit of the first cadre's active pairings (a cadre sees its own visits' photos);
//   - the first demand led by each of the first two departments and the first demand another
//     department assists (a department sees its demands' documents).
//
// Everything is picked by ID, so a load gives the same attachments every time. It runs after
// the district is loaded, once the attachment store is open: the content goes into the store
// first, then the row (the order every upload follows). It returns how many it added.
func Attachments(ctx context.Context, client *ent.Client, store *attachments.Store) (int, error) {
	ctx = authz.Bypass(ctx, "demo attachments")
	if n, err := client.Attachment.Query().Count(ctx); err != nil || n > 0 {
		return 0, err
	}
	admin, err := client.User.Query().Where(user.Username("admin")).Only(ctx)
	if err != nil {
		return 0, fmt.Errorf("demo attachments: %w", err)
	}
	a := &attacher{ctx: ctx, client: client, store: store, admin: admin, done: map[string]bool{}}
	townships, err := client.Township.Query().Order(ent.Asc(enttownship.FieldID)).IDs(ctx)
	if err != nil {
		return 0, err
	}
	for _, t := range townships {
		if v, err := client.Visit.Query().Where(entvisit.TownshipID(t)).Order(ent.Asc(entvisit.FieldID)).First(ctx); err == nil {
			a.visit(v)
		} else if !ent.IsNotFound(err) {
			return a.added, err
		}
		if s, err := client.DemoProjectStage.Query().Where(demoprojectstage.TownshipID(t)).Order(ent.Asc(demoprojectstage.FieldID)).First(ctx); err == nil {
			a.pdf("DemoProjectStage", s.ID, "步骤材料", func(b *ent.AttachmentCreate) { b.SetDemoProjectStageID(s.ID) })
		} else if !ent.IsNotFound(err) {
			return a.added, err
		}
		if r, err := client.Rectification.Query().Where(entrectification.TownshipID(t)).Order(ent.Asc(entrectification.FieldID)).First(ctx); err == nil {
			a.pdf("Rectification", r.ID, "整顿材料", func(b *ent.AttachmentCreate) { b.SetRectificationID(r.ID) })
		} else if !ent.IsNotFound(err) {
			return a.added, err
		}
		if c, err := client.Contribution.Query().Where(entcontribution.TownshipID(t)).Order(ent.Asc(entcontribution.FieldID)).First(ctx); err == nil {
			a.pdf("Contribution", c.ID, "贡献证明", func(b *ent.AttachmentCreate) { b.SetContributionID(c.ID) })
		} else if !ent.IsNotFound(err) {
			return a.added, err
		}
		if d, err := client.Demand.Query().Where(entdemand.TownshipID(t)).Order(ent.Asc(entdemand.FieldID)).First(ctx); err == nil {
			a.demand(d.ID)
		} else if !ent.IsNotFound(err) {
			return a.added, err
		}
	}
	// The first village's first visit and demand (its secretary sees their attachments).
	if v, err := client.Village.Query().Order(ent.Asc(entvillage.FieldID)).FirstID(ctx); err == nil {
		if vi, err := client.Visit.Query().Where(entvisit.VillageID(v)).Order(ent.Asc(entvisit.FieldID)).First(ctx); err == nil {
			a.visit(vi)
		}
		if id, err := client.Demand.Query().Where(entdemand.VillageID(v)).Order(ent.Asc(entdemand.FieldID)).FirstID(ctx); err == nil {
			a.demand(id)
		}
	} else if !ent.IsNotFound(err) {
		return a.added, err
	}
	if c, err := client.Cadre.Query().Order(ent.Asc(entcadre.FieldID)).First(ctx); err == nil {
		v, err := client.Visit.Query().Where(entvisit.HasPairingWith(entpairing.CadreID(c.ID), entpairing.Active(true))).Order(ent.Asc(entvisit.FieldID)).First(ctx)
		if err == nil {
			a.visit(v)
		} else if !ent.IsNotFound(err) {
			return a.added, err
		}
	} else if !ent.IsNotFound(err) {
		return a.added, err
	}
	depts, err := client.Department.Query().Order(ent.Asc(entdepartment.FieldID)).Limit(2).IDs(ctx)
	if err != nil {
		return a.added, err
	}
	for _, d := range depts {
		if id, err := client.Demand.Query().Where(entdemand.DepartmentID(d)).Order(ent.Asc(entdemand.FieldID)).FirstID(ctx); err == nil {
			a.demand(id)
		} else if !ent.IsNotFound(err) {
			return a.added, err
		}
	}
	if id, err := client.Demand.Query().Where(entdemand.HasAssistingDepartments()).Order(ent.Asc(entdemand.FieldID)).FirstID(ctx); err == nil {
		a.demand(id)
	} else if !ent.IsNotFound(err) {
		return a.added, err
	}
	return a.added, a.err
}

// attacher adds the demo's attachments, each owner once; the first error stops it.
type attacher struct {
	ctx    context.Context
	client *ent.Client
	store  *attachments.Store
	admin  *ent.User
	done   map[string]bool
	added  int
	err    error
}

func (a *attacher) put(kind string, id int, content []byte, name string, set func(*ent.AttachmentCreate)) {
	key := fmt.Sprint(kind, id)
	if a.err != nil || a.done[key] {
		return
	}
	a.done[key] = true
	st, err := a.store.Put(a.ctx, bytes.NewReader(content))
	if err != nil {
		a.err = err
		return
	}
	b := a.client.Attachment.Create().SetSha256(st.SHA256).SetSize(st.Size).SetContentType(st.ContentType).SetName(name).
		SetNillableTakenAt(st.Exif.TakenAt).SetNillableLatitude(st.Exif.Latitude).SetNillableLongitude(st.Exif.Longitude).
		SetUploaderID(a.admin.ID).SetUploader(a.admin.Username)
	set(b)
	if a.err = b.Exec(a.ctx); a.err == nil {
		a.added++
	}
}

func (a *attacher) visit(v *ent.Visit) {
	// Around Nanpiao (南票区, about 41.1°N 120.75°E), a few hundred metres apart.
	i := a.added
	lat, lon := 41.10+float64(i%20)*0.003, 120.75+float64(i%20)*0.004
	jpg, err := attachments.SampleJPEG(96, 72, int(v.ID%251), v.VisitedAt.Add(10*time.Minute), lat, lon)
	if err != nil {
		a.err = err
		return
	}
	a.put("Visit", v.ID, jpg, fmt.Sprintf("走访照片-%d.jpg", i+1), func(b *ent.AttachmentCreate) { b.SetVisitID(v.ID) })
}

func (a *attacher) pdf(kind string, id int, title string, set func(*ent.AttachmentCreate)) {
	pdf := attachments.SamplePDF(fmt.Sprintf("%s %d - demo document", kind, a.added+1))
	a.put(kind, id, pdf, fmt.Sprintf("%s-%d.pdf", title, a.added+1), set)
}

func (a *attacher) demand(id int) {
	a.pdf("Demand", id, "诉求材料", func(b *ent.AttachmentCreate) { b.SetDemandID(id) })
}
