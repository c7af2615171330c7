package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestRefusalsSpeakTheCallersLanguage: a sample of refusals — a bad ID checksum, a skipped
// stage, a stale version, the rate limit, no credentials, a query too complex — each answered
// with its code and reason, and its message in Chinese for Accept-Language zh*, in English for
// en*, in both (unchanged) otherwise.
func TestRefusalsSpeakTheCallersLanguage(t *testing.T) {
	e := newHTTPEnv(t, httpapi.Options{})
	limited := e.with(t, httpapi.Options{RateLimit: 0.01, RateBurst: 1})
	ctx := authz.Bypass(context.Background(), "test fixture")
	d, err := e.db.Client.District.Create().SetCode("211404000000").SetName("南票区").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	testkit.CreateUser(t, e.db.Client, "office", testkit.Binding{Role: enum.RolePovertyOffice})
	office := e.srv.Login(t, "office").Token

	must := func(q string, vars map[string]any) map[string]any {
		t.Helper()
		r := e.do(t, call{body: gql(q, vars)})
		if r.Status != 200 || len(r.Errors) > 0 {
			t.Fatalf("%s: %s", q, r)
		}
		var out map[string]any
		if err := json.Unmarshal(r.Data, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	tw := dig(must(`mutation($in: CreateTownshipInput!) { createTownship(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"code": "211404100000", "name": "暖池塘镇", "districtID": encodeID(d.ID)}}), "createTownship", "id")
	v := dig(must(`mutation($in: CreateVillageInput!) { createVillage(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"code": "211404100201", "name": "暖池塘村", "townshipID": tw}}), "createVillage", "id")
	h := dig(must(`mutation($in: CreateHouseholdInput!) { createHousehold(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"villageID": v, "number": "0001", "headName": "王大山", "povertyStatus": "IN_POVERTY"}}), "createHousehold", "id")
	must(`mutation($id: ID!) { updateHousehold(id: $id, input: {version: 1, headName: "王大海"}) { id } }`, map[string]any{"id": h})
	good := testkit.IDNumber("19800101", 7, false)
	badCheck := good[:17] + map[bool]string{true: "1", false: "2"}[good[17] == '2']

	cases := []struct {
		name   string
		env    *httpEnv
		c      call
		code   string
		reason string
		zh     string // the Chinese message, or its beginning when it ends "…"
	}{
		{"bad ID checksum", e, call{body: gql(`mutation($in: CreateResidentInput!) { createResident(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"householdID": h, "name": "王小山", "relation": "SON", "idNumber": badCheck}})},
			"BAD_USER_INPUT", "ID_NUMBER_CHECKSUM", "身份证号码校验位错误"},
		{"stage skipped", e, call{token: office, body: gql(`mutation($id: ID!) { confirmHouseholdExit(id: $id) { id } }`, map[string]any{"id": h})},
			"CONFLICT", "STAGE_SKIPPED", "未经乡审核，不能审定"},
		{"stale version", e, call{body: gql(`mutation($id: ID!) { updateHousehold(id: $id, input: {version: 1, headName: "李四"}) { id } }`, map[string]any{"id": h})},
			"CONFLICT", "STALE_VERSION", "记录已被他人修改，请刷新后重试"},
		{"rate limited", limited, call{body: gql(meOp, nil)}, "RATE_LIMITED", "RATE_LIMITED", "请求过于频繁，请…"},
		{"unauthenticated", e, call{token: "-", body: gql(meOp, nil)}, "UNAUTHENTICATED", "SIGN_IN_REQUIRED", "请先登录"},
		{"query too complex", e, call{body: gql("{ "+aliases(51, "__typename")+"}", nil)}, "QUERY_TOO_COMPLEX", "TOO_MANY_ALIASES", "查询别名过多"},
	}
	limited.do(t, call{body: gql(meOp, nil)}) // spends the one request of the burst
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			messages := map[string]string{}
			for _, lang := range []string{"", "en-US,en;q=0.9", "zh-CN,zh;q=0.9,en;q=0.8"} {
				call := c.c
				call.header = map[string]string{}
				if lang != "" {
					call.header["Accept-Language"] = lang
				}
				r := c.env.do(t, call)
				if len(r.Errors) == 0 {
					t.Fatalf("%s: no error: %s", lang, r)
				}
				ext := r.Errors[0].Extensions
				if ext["code"] != c.code || ext["reason"] != c.reason {
					t.Fatalf("Accept-Language %q: code %v reason %v, want %s %s: %s", lang, ext["code"], ext["reason"], c.code, c.reason, r)
				}
				messages[lang] = r.Errors[0].Message
			}
			both, en, zh := messages[""], messages["en-US,en;q=0.9"], messages["zh-CN,zh;q=0.9,en;q=0.8"]
			if prefix, open := strings.CutSuffix(c.zh, "…"); (open && !strings.HasPrefix(zh, prefix)) || (!open && zh != c.zh) {
				t.Errorf("in Chinese: %q, want %q", zh, c.zh)
			}
			if en == "" || strings.IndexFunc(en, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
				t.Errorf("in English: %q", en)
			}
			if !strings.HasPrefix(both, en) || !strings.Contains(both, zh) {
				t.Errorf("without Accept-Language: %q, want the English %q and the Chinese %q in it", both, en, zh)
			}
		})
	}
}
