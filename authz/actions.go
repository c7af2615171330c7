package authz

import "github.com/nanpiao/sbqw/ent/schema/enum"

// The actions and Casbin objects the policy (policy.csv, stored in casbin_rules) speaks of.
// Code names them only through these constants, so that grepping one finds every check.

// Actions every record type knows.
const (
	ActionRead   = "read"
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
)

// Workflow verbs: each is a permission of its own, checked instead of a plain update (see
// WithAction).
const (
	// Demand steps (workflow/demand.go); ActionAccept also accepts a rectification.
	ActionAccept   = "accept"
	ActionAssign   = "assign"
	ActionResolve  = "resolve"
	ActionFollowUp = "follow_up"
	ActionClose    = "close"
	ActionReject   = "reject"
	ActionAssist   = "assist" // an assisting department recording its part of a jointly handled demand

	ActionRelease  = "release"  // ending a pairing, with a replacement cadre
	ActionReturn   = "return"   // sending a demonstration project back one stage; a department sending back a misrouted demand
	ActionMove     = "move"     // moving a household to another village, a party member to another organisation
	ActionTransfer = "transfer" // transferring a cadre to another department
	ActionRevoke   = "revoke"   // revoking an API key

	ActionReveal      = "reveal"       // reading a sealed ID number in clear
	ActionRevealPhone = "reveal_phone" // reading only the phone number in clear
	ActionReset       = "reset"        // resetting another user's password (resetPassword)
)

// Poverty workflow verbs (workflow/poverty.go): the village proposes an exit, the township
// verifies it, the poverty-alleviation office confirms it after the public notice; the office
// alone sets needy and runs monitoring (see OfficeOnly).
const (
	ActionProposeExit = "propose_exit"
	ActionVerifyExit  = "verify_exit"
	ActionConfirmExit = "confirm_exit"
	ActionMonitor     = "monitor"   // opening and closing monitoring, marking a return to poverty
	ActionSetNeedy    = "set_needy" // naming a household needy (困难群体) or taking it off
)

// ActionAdvance is the action that moves a demonstration project into stage.
func ActionAdvance(stage enum.ProjectStage) string { return "advance:" + string(stage) }

// Casbin objects that are not one record type's.
const (
	ObjectPolicy  = "policy"  // the policy itself (casbin_rules)
	ObjectSetting = "setting" // the programme settings
)
