package importer_test

import (
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/internal/testkit"
)

// BenchmarkImport10k commits 10,000 rows — 5,000 households and a resident each — through
// POST /import/households as a township, on the test database (SQLite unless MYSQL_TEST_DSN).
// Run: go test -run '^$' -bench Import10k -benchtime 1x ./importer/
func BenchmarkImport10k(b *testing.B) {
	db := testkit.LoadDemo(b)
	srv := testkit.NewServer(b, db)
	township := srv.Login(b, "township01")
	s := demoScene(b, township, srv.Login(b, "admin"))
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		var hs, rs [][]string
		for j := range 5000 {
			number := fmt.Sprintf("B%d-%05d", i, j)
			hs = append(hs, []string{s.own, number, "户主" + number, "", "一般农户", "5000"})
			birth := time.Date(1902, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*5000+j/500).Format("20060102")
			rs = append(rs, []string{s.own, number, "户主" + number, "户主", testkit.IDNumber(birth, j%500, false)})
		}
		file := householdsBook(b, hs, rs)
		h0, r0 := count(b, db)
		b.StartTimer()
		cpu0 := cpuTime()
		start := time.Now()
		status, out := post(b, township, "households", false, file)
		took, cpu := time.Since(start), cpuTime()-cpu0
		b.StopTimer()
		if status != http.StatusOK || out.Created["households"] != 5000 || out.Created["residents"] != 5000 {
			b.Fatalf("status %d, created %v, problems %d (first: %+v)", status, out.Created, len(out.Problems), out.Problems[:min(3, len(out.Problems))])
		}
		if h, r := count(b, db); h != h0+5000 || r != r0+5000 {
			b.Fatalf("households %d→%d, residents %d→%d", h0, h, r0, r)
		}
		// On a shared machine the wall time says more about the neighbours than about the
		// import; the process's CPU time (client and server are both in it) is the import's own
		// cost, and its wall time on an idle core.
		b.ReportMetric(took.Seconds(), "s/10k-rows")
		b.ReportMetric(cpu.Seconds(), "cpu-s/10k-rows")
		b.Logf("%s: 10,000 rows (%d KB workbook) in %s, %s of CPU", testkit.Backend(), len(file)>>10, took.Round(time.Millisecond), cpu.Round(time.Millisecond))
	}
}

// cpuTime is the CPU time (user and system) the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
