package enum

// SatisfactionDissatisfied 不满意: a follow-up with it reopens the demand (workflow/demand.go).
const SatisfactionDissatisfied Satisfaction = "DISSATISFIED"
