package importer

import (
	"testing"

	"github.com/nanpiao/sbqw/apperr"
)

// TestEveryReasonIsCatalogued: each reason a problem may carry is in apperr's catalogue of
// reasons, so its messages are never empty.
func TestEveryReasonIsCatalogued(t *testing.T) {
	for _, r := range []string{NotAWorkbook, FileTooLarge, MissingSheet, MissingColumn, TooManyRows, Formula, RequiredEmpty,
		UnknownTerm, InvalidDate, InvalidNumber, NumberNotText, IDChecksum, IDInvalid, VillageUnknown, VillageAmbiguous,
		VillageOutOfScope, DuplicateInFile, AlreadyRecorded, HouseholdUnknown, OrgUnknown, DepartmentUnknown, CadreUnknown,
		CadreAmbiguous, OutOfScope, NotAllowed, InvalidValue, Rejected} {
		if _, ok := apperr.Meaning(r); !ok {
			t.Errorf("%s is not in apperr's catalogue", r)
		}
		if p := problem("户", 2, "身份证号", r); p.MessageZh == "" || p.Message == "" {
			t.Errorf("%s: empty messages %+v", r, p)
		}
	}
}
