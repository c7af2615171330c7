package graph_test

import (
	"strconv"

	"github.com/nanpiao/sbqw/internal/testkit"
)

type testkitAPI = testkit.API

func itoa(n int) string { return strconv.Itoa(n) }
