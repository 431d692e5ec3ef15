/*
 * payout.c - payouts from payment providers (PROVIDER:ID).
 *
 * owns: payout, payout_line
 *
 * The payout record's state machine and its place in the registry;
 * wf-reconcile's import and matching are still to come.
 */
#include <stddef.h>

#include "wf_payout.h"

/* ---- state machines ---------------------------------------------------- */

static const char *const payout_states[] = {
	"imported", "matched", "reconciled", "mismatch", NULL
};
static const struct wf_transition payout_rows[] = {
	{ "imported", "match",     "matched" },
	{ "imported", "mismatch",  "mismatch" },
	{ "matched",  "mismatch",  "mismatch" },
	{ "mismatch", "match",     "matched" },
	{ "matched",  "reconcile", "reconciled" },
	{ "mismatch", "accept",    "reconciled" },
	WF_TRANSITIONS_END
};

static const struct wf_machine m_payout = {
	"payout", "payout", "payouts (PROVIDER:ID)",
	payout_states, payout_rows, WF_SQL_STATE_GET("payout", "state", "NULL"),
	WF_SQL_STATE_SET("payout", "state"), WF_SQL_STATE_ALL("payout", "ref", "state"), NULL, NULL
};


static const struct wf_machine *const payout_machines[] = { &m_payout, NULL };

const struct wf_record_type wf_record_payout = {
	.type = "payout",
	.table = "payout",
	.machines = payout_machines,
	.lookup = "SELECT 1 FROM payout WHERE ref = ?1",
};
