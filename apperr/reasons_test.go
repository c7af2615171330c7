package apperr

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCatalogueIsComplete: every reason is UPPER_SNAKE, listed once, and says what it means in
// Chinese and in English; every code's generic reason is listed; no summary means two reasons.
func TestCatalogueIsComplete(t *testing.T) {
	if len(duplicateOf) > 0 {
		t.Errorf("listed twice: %v", duplicateOf)
	}
	for _, r := range Reasons() {
		text, _ := Meaning(r)
		if !upperSnake.MatchString(r) {
			t.Errorf("%s is not UPPER_SNAKE", r)
		}
		if !hasHan(text.Zh) {
			t.Errorf("%s: no Chinese meaning (%q)", r, text.Zh)
		}
		if text.En == "" || hasHan(text.En) {
			t.Errorf("%s: no English meaning (%q)", r, text.En)
		}
	}
	for code, r := range byCode {
		if _, ok := Meaning(r); !ok {
			t.Errorf("%s's generic reason %s is not in the catalogue", code, r)
		}
	}
}

func TestLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"": "", "zh-CN,zh;q=0.9,en;q=0.8": "zh", "en-US,en;q=0.9": "en", "fr-FR, en;q=0.5, zh;q=0.7": "zh",
		"fr": "", "*": "", "zh-Hant-TW": "zh", "EN": "en", "zh;q=0, en;q=0.1": "en", "en;q=x, zh": "zh",
	} {
		if got := Language(header); got != want {
			t.Errorf("Accept-Language %q: %q, want %q", header, got, want)
		}
	}
}

func TestLocalize(t *testing.T) {
	for _, c := range []struct {
		code                Code
		msg, reason, en, zh string
	}{
		{BadUserInput, "ID number check digit is wrong (身份证号码校验位错误)", "ID_NUMBER_CHECKSUM", "ID number check digit is wrong", "身份证号码校验位错误"},
		{Conflict, "only an exit proposed by the village can be verified; the exit is at NONE (未经村评议，不能审核)", "STAGE_SKIPPED",
			"only an exit proposed by the village can be verified; the exit is at NONE", "未经村评议，不能审核"},
		{BadUserInput, "the project is complete (结题); there is no further stage (工程已结题)", "PROJECT_COMPLETE", "the project is complete (结题); there is no further stage", "工程已结题"},
		{RateLimited, "too many requests; try again in 7 seconds (请求过于频繁，请7秒后再试)", "RATE_LIMITED", "too many requests; try again in 7 seconds", "请求过于频繁，请7秒后再试"},
		{Internal, "internal error (系统内部错误); quote request ab12 when reporting it", "INTERNAL", "internal error; quote request ab12 when reporting it", "系统内部错误"},
		{BadUserInput, "the cadre already has 5 households, the most allowed (每名干部最多结对5户)", "CADRE_PAIRING_LIMIT", "the cadre already has 5 households, the most allowed", "每名干部最多结对5户"},
		{Forbidden, "your role may not move a project into REVIEW (评审) (无权将工程推进到评审)", "STAGE_NOT_ALLOWED", "your role may not move a project into REVIEW (评审)", "无权将工程推进到评审"},
		{BadUserInput, "ask for at least one field", ReasonInvalidInput, "ask for at least one field", "输入值无效：ask for at least one field"},
	} {
		if r := ReasonOf(c.code, c.msg); r != c.reason {
			t.Errorf("%q: reason %s, want %s", c.msg, r, c.reason)
		}
		if got := Localize(c.msg, "en", c.reason); got != c.en {
			t.Errorf("%q in English: %q", c.msg, got)
		}
		if got := Localize(c.msg, "zh", c.reason); got != c.zh {
			t.Errorf("%q in Chinese: %q", c.msg, got)
		}
		if got := Localize(c.msg, "", c.reason); got != c.msg {
			t.Errorf("%q with no language asked for became %q", c.msg, got)
		}
	}
	if r := ReasonFor(Rule("anything (工程已结题)").Because("STAGE_SKIPPED")); r != "STAGE_SKIPPED" {
		t.Errorf("an error's own reason is overridden: %s", r)
	}
}

// notErrors are parenthesised Chinese glosses in descriptions and help texts, not error
// summaries.
var notErrors = map[string]bool{"统计用区划代码": true, "建档立卡": true, "中文": true, "一对多上限": true, "e.g. 种植, 养殖, 电商": true}

// TestEveryMessageHasItsReason: every message the project writes "English (中文摘要)" is
// recognised by the catalogue — its summary names a reason of its own, not only its code's
// generic one. Adding a message with a new summary means adding it to the catalogue.
func TestEveryMessageHasItsReason(t *testing.T) {
	summary := regexp.MustCompile(`\(([^()]*\p{Han}[^()]*)\)$`)
	var unknown []string
	seen := 0
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case "ent", "graph/generated", "graph/model", "docs", "demo", "cmd", "migrations", "importer":
				if rel != "ent" {
					return filepath.SkipDir
				}
			}
			if strings.HasPrefix(rel, "ent/") && rel != "ent/schema" && !strings.HasPrefix(rel, "ent/schema/") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || (strings.HasPrefix(rel, "ent/") && !strings.HasPrefix(rel, "ent/schema/")) {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			// A reason a layer names itself ("reason": "X" in extensions) is listed too.
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				k, kok := kv.Key.(*ast.BasicLit)
				v, vok := kv.Value.(*ast.BasicLit)
				if kok && vok && k.Value == `"reason"` && v.Kind == token.STRING {
					if r, _ := strconv.Unquote(v.Value); r != "" {
						if _, listed := Meaning(r); !listed {
							unknown = append(unknown, rel+": reason "+r)
						}
					}
				}
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			m := summary.FindStringSubmatch(s)
			if m == nil || notErrors[m[1]] || strings.Contains(s, "\n") {
				return true
			}
			seen++
			// A format's verbs stand for what they will print.
			msg := strings.NewReplacer("%d", "7", "%s", "X", "%v", "X", "%q", "X").Replace("message " + s)
			if _, zh := split(msg); zh == "" {
				unknown = append(unknown, rel+": "+s+" (not read as a Chinese summary)")
			} else if _, ok := recognise(zh); !ok {
				unknown = append(unknown, rel+": "+s)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 100 {
		t.Fatalf("found only %d messages; is the walk looking in the right place?", seen)
	}
	for _, u := range unknown {
		t.Errorf("no reason in the catalogue (reasons.go) for %s", u)
	}
}

// TestErrorsDocListsEveryReason: docs/errors.md lists every reason of the catalogue with its
// meanings, as the catalogue says them. `go test ./apperr -run TestErrorsDoc -update` rewrites
// the list.
func TestErrorsDocListsEveryReason(t *testing.T) {
	const path, begin, end = "../docs/errors.md", "<!-- reasons: generated from apperr/reasons.go -->", "<!-- end of reasons -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q … %q section", path, begin, end)
	}
	var table strings.Builder
	table.WriteString("\n| Reason | 含义 | Meaning |\n|---|---|---|\n")
	for _, r := range Reasons() {
		text, _ := Meaning(r)
		fmt.Fprintf(&table, "| `%s` | %s | %s |\n", r, text.Zh, strings.ReplaceAll(text.En, "|", `\|`))
	}
	want := doc[:i+len(begin)] + table.String() + doc[j:]
	if want == doc {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("%s's list of reasons differs from the catalogue; run go test ./apperr -run TestErrorsDoc -update", path)
}

var update = flag.Bool("update", false, "rewrite docs/errors.md's list of reasons")
