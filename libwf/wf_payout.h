/*
 * wf_payout.h - payouts from payment providers (PROVIDER:ID).
 *
 * The record type and its state machine; wf-reconcile's import, matching
 * and reports are still to come.
 */
#ifndef WF_PAYOUT_H
#define WF_PAYOUT_H

#include "wf_record.h"

/* The record type this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_payout;

#endif
