package enum

const (
	SatisfactionSatisfied          Satisfaction = "SATISFIED"
	SatisfactionBasicallySatisfied Satisfaction = "BASICALLY_SATISFIED"
	// SatisfactionDissatisfied 不满意: a follow-up with it reopens the demand (workflow/demand.go).
	SatisfactionDissatisfied Satisfaction = "DISSATISFIED"
)
