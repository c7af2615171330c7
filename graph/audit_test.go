package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// auditResult is one audit of graphql-http's server suite, as testdata/audit/audit.mjs prints it.
type auditResult struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Status     string `json:"status"` // ok, or error (MUST), warn (SHOULD), notice (MAY)
	Reason     string `json:"reason"`
	HTTPStatus int    `json:"httpStatus"`
}

// shouldSkipped lists the SHOULD audits the server knowingly does not follow, by audit ID, with
// the reason. None at present; any failing SHOULD not listed here fails the test, like a
// failing MUST.
var shouldSkipped = map[string]string{}

// TestGraphQLOverHTTPAudit runs the graphql-http audit suite (npm package graphql-http, the
// reference audit of the GraphQL-over-HTTP spec) against the real handler on loopback, signed
// in, with the default options. Every MUST passes; SHOULDs fail only as listed above; MAYs are
// listed. It needs Node.js, npm and the npm registry, so it runs only with SBQW_TEST_NODE=1
// (.ci/run sets it), and then fails rather than skips without them.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	testkit.NeedsTools(t, "SBQW_TEST_NODE", "node", "npm")
	dir := testkit.NpmInstall(t, filepath.Join("testdata", "audit"), "graphql-http-audit", "graphql-http")

	db := testkit.Open(t)
	t.Cleanup(db.Close)
	srv := testkit.NewServerWith(t, db, httpapi.Options{RateLimit: httpapi.DefaultOptions.RateLimit})
	testkit.CreateUser(t, db.Client, "auditor", testkit.Binding{Role: enum.RoleAuditor})
	token := srv.Login(t, "auditor").Token

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "audit.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AUDIT_URL="+srv.URL, "AUDIT_TOKEN="+token)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running the audit: %v\n%s", err, stderr.String())
	}
	var results []auditResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("audit output is not JSON: %v: %.500s", err, out)
	}
	if len(results) < 40 {
		t.Fatalf("only %d audits ran; the suite has more than 40", len(results))
	}
	sort.Slice(results, func(i, j int) bool { return results[i].Name < results[j].Name })

	passed, failed := map[string]int{}, map[string]int{}
	for _, r := range results {
		level, _, _ := strings.Cut(r.Name, " ")
		if r.Status == "ok" {
			passed[level]++
			continue
		}
		failed[level]++
		line := fmt.Sprintf("%s %s [%s]: %s (HTTP %d)", r.Status, r.ID, r.Name, r.Reason, r.HTTPStatus)
		switch {
		case level == "MUST":
			t.Errorf("failing MUST: %s", line)
		case level == "SHOULD" && shouldSkipped[r.ID] == "":
			t.Errorf("failing SHOULD not in the skip list: %s", line)
		case level == "SHOULD":
			t.Logf("skipped SHOULD: %s — %s", line, shouldSkipped[r.ID])
		default:
			t.Logf("not followed: %s", line)
		}
	}
	t.Logf("graphql-http audit: MUST %d passed, %d failed; SHOULD %d passed, %d failed; MAY %d passed, %d failed",
		passed["MUST"], failed["MUST"], passed["SHOULD"], failed["SHOULD"], passed["MAY"], failed["MAY"])
}
