package money

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestParseAcceptsYuanWithUpToTwoPlaces(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Fen
	}{
		{"0", 0}, {"0.00", 0}, {"12", 1200}, {"12.5", 1250}, {"12.50", 1250}, {"1234.05", 123405},
		{"-0.05", -5}, {"-3", -300}, {"007.10", 710}, {"92233720368547758.07", math.MaxInt64},
	} {
		got, err := Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func TestParseRefusesWhatIsNotAnExactAmount(t *testing.T) {
	for _, in := range []string{"", "-", ".5", "1.", "1.234", "1.005", "1e3", "1E2", "NaN", "Inf", "-Infinity",
		"+1", " 1", "1 ", "1,000.00", "¥1", "0x10", "1.2.3", "--1", "1.-5", "１２"} {
		if got, err := Parse(in); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %d, %v; want ErrSyntax", in, got, err)
		}
	}
	for _, in := range []string{"92233720368547759", "99999999999999999999", "-92233720368547759"} {
		if _, err := Parse(in); !errors.Is(err, ErrRange) {
			t.Errorf("Parse(%q): %v; want ErrRange", in, err)
		}
	}
}

func TestStringWritesExactlyTwoPlaces(t *testing.T) {
	for _, c := range []struct {
		in   Fen
		want string
	}{{0, "0.00"}, {5, "0.05"}, {-5, "-0.05"}, {1250, "12.50"}, {123405, "1234.05"}, {-100, "-1.00"},
		{math.MinInt64, "-92233720368547758.08"}, {math.MaxInt64, "92233720368547758.07"}} {
		if got := c.in.String(); got != c.want {
			t.Errorf("%d.String() = %q; want %q", int64(c.in), got, c.want)
		}
	}
}

func TestParseAndStringRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10000; i++ {
		v := Fen(r.Int64N(1<<50) - 1<<49)
		back, err := Parse(v.String())
		if err != nil || back != v {
			t.Fatalf("%d → %q → %d, %v", int64(v), v.String(), back, err)
		}
	}
}

// Ten thousand amounts with fractional yuan, as clients write them, add up to the exact
// integer sum of their fen — where float64 yuan drift by fractions of a fen.
func TestSumOfTenThousandAmountsIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	var texts []string
	var wantFen int64
	for i := 0; i < 10000; i++ {
		yuan, fen := r.Int64N(1_000_000), r.Int64N(100)
		texts = append(texts, strconv.FormatInt(yuan, 10)+"."+string(rune('0'+fen/10))+string(rune('0'+fen%10)))
		wantFen += yuan*100 + fen
	}
	amounts := make([]Fen, len(texts))
	var floatSum float64
	for i, s := range texts {
		a, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		amounts[i] = a
		f, _ := strconv.ParseFloat(s, 64)
		floatSum += f
	}
	got, err := Sum(amounts...)
	if err != nil || int64(got) != wantFen {
		t.Fatalf("Sum = %d, %v; want %d", int64(got), err, wantFen)
	}
	want := strconv.FormatInt(wantFen/100, 10) + "." + strconv.FormatInt(wantFen%100/10, 10) + strconv.FormatInt(wantFen%10, 10)
	if got.String() != want {
		t.Fatalf("Sum.String() = %q; want %q", got.String(), want)
	}
	if strconv.FormatFloat(floatSum, 'f', 2, 64) == want && floatSum*100 == float64(wantFen) {
		t.Logf("float64 happened to agree this time (%v)", floatSum)
	}
}

func TestSumRefusesOverflow(t *testing.T) {
	if _, err := Sum(math.MaxInt64, 1); !errors.Is(err, ErrRange) {
		t.Fatalf("want ErrRange, got %v", err)
	}
	if _, err := Sum(math.MinInt64, -1); !errors.Is(err, ErrRange) {
		t.Fatalf("want ErrRange, got %v", err)
	}
}

func TestPerUnitRoundsHalfAwayFromZero(t *testing.T) {
	for _, c := range []struct {
		total Fen
		n     int64
		want  Fen
	}{{100, 3, 33}, {200, 3, 67}, {5, 2, 3}, {-5, 2, -3}, {1000, 4, 250}, {0, 7, 0}} {
		if got, ok := PerUnit(c.total, c.n); !ok || got != c.want {
			t.Errorf("PerUnit(%d, %d) = %d; want %d", c.total, c.n, got, c.want)
		}
	}
	if _, ok := PerUnit(100, 0); ok {
		t.Error("PerUnit by zero must not be ok")
	}
}
