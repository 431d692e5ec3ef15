/*
 * wf.h - libwf, the Workform record library: everything in one include.
 *
 * Conventions for every module: functions that can fail return 0 or a
 * negative WF_E* code (wf_error.h) and leave the message in wf_error_msg();
 * libwf never prints and never exits; a function that takes the database
 * handle takes its out-parameters right after it (the edge parsers, which
 * take none -- money, time, json -- read like strtol: the input first, the
 * result last); who frees what is stated at the top of each header.
 */
#ifndef WF_H
#define WF_H

#include "wf_batch.h"
#include "wf_buf.h"
#include "wf_catalog.h"
#include "wf_check.h"
#include "wf_complete.h"
#include "wf_config.h"
#include "wf_db.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_history.h"
#include "wf_idem.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_out.h"
#include "wf_payout.h"
#include "wf_po.h"
#include "wf_record.h"
#include "wf_report.h"
#include "wf_return.h"
#include "wf_route.h"
#include "wf_sha256.h"
#include "wf_shipment.h"
#include "wf_state.h"
#include "wf_stock.h"
#include "wf_supplier.h"
#include "wf_text.h"
#include "wf_time.h"
#include "wf_upsert.h"

#endif
