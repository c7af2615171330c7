package authz

import (
	"context"
	"slices"
)

// DepartmentsGranted lists the departments of the caller's bindings whose policy grants action
// on object at department scope: the units a department-level act may be taken for, when the
// act is not reached through a column of the record (an assisting department of a demand).
func DepartmentsGranted(ctx context.Context, object, action string) []int {
	v := FromContext(ctx)
	if v == nil {
		return nil
	}
	var out []int
	for _, b := range v.Bindings {
		if b.DepartmentID != 0 && slices.Contains(v.policy.Scopes(string(b.Role), object, action), ScopeDepartment) {
			out = append(out, b.DepartmentID)
		}
	}
	return out
}
