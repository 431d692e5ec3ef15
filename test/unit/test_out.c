/* The writers: formats, held output, rewinds, write errors. */
#include <stdio.h>

#include "harness.h"
#include "wf.h"

static cJSON *
rec(const char *sku, int64_t qty)
{
	cJSON *r = wf_jrecord("level");

	wf_jadd_str(r, "sku", sku);
	wf_jadd_int(r, "qty", qty);
	return r;
}

static const char *
run(wf_format fmt, void (*body)(wf_out *))
{
	static char buf[4096];
	FILE *f;
	wf_out *o;

	memset(buf, 0, sizeof buf);
	f = fmemopen(buf, sizeof buf - 1, "w");
	wf_out_new(&o, f, fmt);
	body(o);
	wf_out_finish(o);
	wf_out_free(o);
	fclose(f);
	return buf;
}

static void
two(wf_out *o)
{
	wf_out_emit(o, rec("A,1", 5));
	wf_out_emit(o, rec("B\t\"2\"", -12));
}

TEST(formats)
{
	EQ_STR(run(WF_FMT_JSONL, two),
	    "{\"type\":\"level\",\"sku\":\"A,1\",\"qty\":5}\n"
	    "{\"type\":\"level\",\"sku\":\"B\\t\\\"2\\\"\",\"qty\":-12}\n");
	/* a tab is a control character: a visible escape in CSV and tables */
	EQ_STR(run(WF_FMT_CSV, two),
	    "type,sku,qty\nlevel,\"A,1\",5\nlevel,\"B\\x09\"\"2\"\"\",-12\n");
	EQ_STR(run(WF_FMT_TSV, two),
	    "type\tsku\tqty\nlevel\tA,1\t5\nlevel\tB\\t\"2\"\t-12\n");
	EQ_STR(run(WF_FMT_TABLE, two),
	    "SKU       QTY\nA,1         5\nB\\x09\"2\"  -12\n");
}

static void
held_then_rolled_back(wf_out *o)
{
	long long m;

	wf_out_hold(o);
	wf_out_emit(o, rec("kept", 1));
	m = wf_out_mark(o);
	wf_out_emit(o, rec("dropped", 2));
	wf_out_rewind(o, m);
	wf_out_release(o);
	EQ_INT(wf_out_count(o), 1);
}

TEST(rewind_drops_what_came_after_the_mark)
{
	EQ_STR(run(WF_FMT_JSONL, held_then_rolled_back),
	    "{\"type\":\"level\",\"sku\":\"kept\",\"qty\":1}\n");
	EQ_STR(run(WF_FMT_CSV, held_then_rolled_back), "type,sku,qty\nlevel,kept,1\n");
	EQ_STR(run(WF_FMT_TABLE, held_then_rolled_back), "SKU   QTY\nkept    1\n");
}

static void
never_released(wf_out *o)
{
	wf_out_hold(o);
	wf_out_emit(o, rec("uncommitted", 1));
}

TEST(held_output_that_never_commits_is_not_printed)
{
	EQ_STR(run(WF_FMT_JSONL, never_released), "");
}

static void
spills(wf_out *o)
{
	long long m = 0;
	int i;

	wf_out_hold(o);
	for (i = 0; i < 60000; i++) {
		if (i == 59990)
			m = wf_out_mark(o);
		wf_out_emit(o, rec("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz", i));
	}
	wf_out_rewind(o, m);
	EQ_INT(wf_out_count(o), 59990);
	wf_out_release(o);
}

TEST(large_held_output_spills_to_a_file_and_rewinds)
{
	FILE *f = tmpfile();
	wf_out *o;
	char line[256];
	long n = 0;

	wf_out_new(&o, f, WF_FMT_JSONL);
	spills(o);
	EQ_INT(wf_out_finish(o), 0);
	wf_out_free(o);
	rewind(f);
	while (fgets(line, sizeof line, f))
		n++;
	EQ_INT(n, 59990);
	fclose(f);
}

TEST(write_errors_are_io_errors)
{
	FILE *f = fopen("/dev/full", "w");
	wf_out *o;

	if (f == NULL)
		return;
	wf_out_new(&o, f, WF_FMT_JSONL);
	wf_out_emit(o, rec("A", 1));
	EQ_INT(wf_out_finish(o), WF_EIO);
	HAS_STR(wf_error_msg(), "No space left on device");
	wf_out_free(o);
	fclose(f);
}

TEST(table_columns_can_be_chosen_per_type)
{
	static const char *const cols[] = { "qty", "sku", NULL };
	char buf[256] = "";
	FILE *f = fmemopen(buf, sizeof buf - 1, "w");
	wf_out *o;

	wf_out_new(&o, f, WF_FMT_TABLE);
	wf_out_columns(o, "level", cols);
	wf_out_emit(o, rec("A", 5));
	wf_out_finish(o);
	wf_out_free(o);
	fclose(f);
	EQ_STR(buf, "QTY  SKU\n  5  A\n");
}

/* Text that could act on the reader's terminal or spreadsheet, through
 * every writer (design.md): ESC (an OSC 52 clipboard write), BEL, CR, DEL,
 * the C1 CSI U+009B, the bidi override U+202E, a zero-width space; and
 * formulas. */
static const char *const hostile[] = {
	"\x1b]52;c;cm0gLXJmIH4=\x07",    /* OSC 52 */
	"pay\rnow", "del\x7f", "csi\xc2\x9b" "31m", "gnp.\xe2\x80\xae" "exe",
	"MUG-1\xe2\x80\x8b", NULL
};

static void
hostile_records(wf_out *o)
{
	size_t i;

	for (i = 0; hostile[i]; i++) {
		cJSON *r = wf_jrecord("note");
		wf_jadd_str(r, "text", hostile[i]);
		wf_out_emit(o, r);
	}
}

TEST(no_writer_lets_stored_text_act)
{
	static const wf_format fmts[] = { WF_FMT_JSONL, WF_FMT_CSV, WF_FMT_TSV, WF_FMT_TABLE };
	size_t i, k;

	for (i = 0; i < 4; i++) {
		const char *out = run(fmts[i], hostile_records);
		for (k = 0; out[k]; k++) {
			unsigned char c = (unsigned char)out[k];
			if ((c < 0x20 && c != '\n' && !(fmts[i] == WF_FMT_TSV && c == '\t')) || c == 0x7f)
				FAILF("format %zu: control byte 0x%02x at %zu", i, c, k);
			if (c == 0xc2 && (unsigned char)out[k + 1] == 0x9b)
				FAILF("format %zu: raw U+009B", i);
			if (c == 0xe2 && (unsigned char)out[k + 1] == 0x80 &&
			    ((unsigned char)out[k + 2] == 0xae || (unsigned char)out[k + 2] == 0x8b))
				FAILF("format %zu: raw U+202E or U+200B", i);
		}
		unit_checks++;
	}
	HAS_STR(run(WF_FMT_JSONL, hostile_records), "\"text\":\"\\u001b]52;c;cm0gLXJmIH4=\\u0007\"");
	HAS_STR(run(WF_FMT_JSONL, hostile_records), "\"gnp.\\u202eexe\"");
	HAS_STR(run(WF_FMT_CSV, hostile_records), "note,\\x1b]52;c;cm0gLXJmIH4=\\x07\n");
	HAS_STR(run(WF_FMT_CSV, hostile_records), "note,csi\\u009b31m\n");
	HAS_STR(run(WF_FMT_TSV, hostile_records), "note\tpay\\rnow\n");
	HAS_STR(run(WF_FMT_TABLE, hostile_records), "del\\x7f\n");
	HAS_STR(run(WF_FMT_TABLE, hostile_records), "MUG-1\\u200b\n");
}

static void
formulas(wf_out *o)
{
	static const char *const cells[] = {
		"=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
		"\tx", "-3.50", "plain", NULL
	};
	size_t i;

	for (i = 0; cells[i]; i++) {
		cJSON *r = wf_jrecord("t");
		wf_jadd_str(r, "v", cells[i]);
		wf_out_emit(o, r);
	}
	{
		cJSON *r = wf_jrecord("t");
		wf_jadd_int(r, "v", -12);
		wf_out_emit(o, r);
	}
}

TEST(csv_and_tsv_neutralise_formulas_but_not_numbers)
{
	EQ_STR(run(WF_FMT_CSV, formulas),
	    "type,v\n"
	    "t,\"'=HYPERLINK(\"\"http://x\"\")\"\n"
	    "t,'+cmd|' /C calc'!A0\n"
	    "t,'@SUM(1+1)\n"
	    "t,'-2+3\n"
	    "t,'\\x09x\n"
	    "t,-3.50\n"
	    "t,plain\n"
	    "t,-12\n");
	HAS_STR(run(WF_FMT_TSV, formulas), "t\t'=HYPERLINK(\"http://x\")\n");
	HAS_STR(run(WF_FMT_TSV, formulas), "t\t'\\tx\n");
}

static void
mixed(wf_out *o)
{
	cJSON *a = wf_jrecord("order"), *l = wf_jrecord("line"), *b = wf_jrecord("order");
	cJSON *ship = cJSON_CreateObject();

	wf_jadd_str(a, "order", "shop:1");
	wf_jadd_str(ship, "country", "DE");
	wf_jadd_item(a, "ship_to", ship);
	wf_out_emit(o, a);
	wf_jadd_str(l, "sku", "MUG-1");
	wf_jadd_int(l, "qty", 2);
	wf_out_emit(o, l);
	wf_jadd_str(b, "order", "shop:2");
	wf_jadd_null(b, "ship_to");
	wf_out_emit(o, b);
}

TEST(csv_gives_each_run_of_keys_its_own_header_and_every_field)
{
	EQ_STR(run(WF_FMT_CSV, mixed),
	    "type,order,ship_to\n"
	    "order,shop:1,\"{\"\"country\"\":\"\"DE\"\"}\"\n"
	    "\n"
	    "type,sku,qty\n"
	    "line,MUG-1,2\n"
	    "\n"
	    "type,order,ship_to\n"
	    "order,shop:2,\n");
}

static void
held_mixed_rolled_back(wf_out *o)
{
	long long m;

	wf_out_hold(o);
	wf_out_emit(o, rec("kept", 1));
	m = wf_out_mark(o);
	{
		cJSON *r = wf_jrecord("other");
		wf_jadd_int(r, "n", 1);
		wf_out_emit(o, r);
	}
	wf_out_rewind(o, m);
	EQ_INT(wf_out_count(o), 1);
	wf_out_emit(o, rec("after", 2));
	wf_out_release(o);
	EQ_INT(wf_out_count(o), 2);
}

TEST(a_rewind_past_a_header_block_takes_the_block_with_it)
{
	EQ_STR(run(WF_FMT_CSV, held_mixed_rolled_back),
	    "type,sku,qty\nlevel,kept,1\nlevel,after,2\n");
}

static void
show_one(wf_out *o)
{
	cJSON *r = wf_jrecord("order"), *lines = cJSON_CreateArray(), *ship = cJSON_CreateObject();
	cJSON *l = cJSON_CreateObject(), *sh = wf_jrecord("shipment");

	wf_jadd_str(r, "order", "shop:1001");
	wf_jadd_str(r, "state", "reserved");
	wf_jadd_str(ship, "name", "Ann");
	wf_jadd_str(ship, "country", "DE");
	wf_jadd_item(r, "ship_to", ship);
	wf_jadd_str(l, "sku", "MUG-1");
	wf_jadd_int(l, "qty", 2);
	cJSON_AddItemToArray(lines, l);
	wf_jadd_item(r, "lines", lines);
	wf_out_emit(o, r);
	wf_jadd_str(sh, "shipment", "SH-1");
	wf_out_emit(o, sh);
}

static void
vertical_show(wf_out *o)
{
	wf_out_vertical(o, 1);
	show_one(o);
}

TEST(show_prints_the_record_vertically_with_its_lines_as_a_table)
{
	EQ_STR(run(WF_FMT_TABLE, vertical_show),
	    "order            shop:1001\n"
	    "state            reserved\n"
	    "ship_to.name     Ann\n"
	    "ship_to.country  DE\n"
	    "\n"
	    "lines:\n"
	    "SKU    QTY\n"
	    "MUG-1    2\n"
	    "\n"
	    "SHIPMENT\n"
	    "SH-1\n");
}

static void
narrow(wf_out *o)
{
	cJSON *r = wf_jrecord("exception");

	wf_out_width(o, 40);
	wf_jadd_str(r, "exception", "EX-1");
	wf_jadd_str(r, "next_action", "Receive PO-7 into BER, then release the 12 orders held for MUG-1");
	wf_out_emit(o, r);
}

TEST(a_table_fits_the_terminal_by_wrapping_long_text_not_cutting_it)
{
	EQ_STR(run(WF_FMT_TABLE, narrow),
	    "EXCEPTION  NEXT ACTION\n"
	    "EX-1       Receive PO-7 into BER, then\n"
	    "           release the 12 orders held\n"
	    "           for MUG-1\n");
}

TEST(format_names)
{
	wf_format f;

	EQ_INT(wf_format_parse("csv", &f), 0); EQ_INT(f, WF_FMT_CSV);
	EQ_INT(wf_format_parse("xml", &f), WF_EUSAGE);
}

/* A record written as text (wf_out_emit_text) is held, counted, journaled
 * and rewound as the same record emitted as a tree. */
static void
text_and_tree(wf_out *o)
{
	static const char t[] = "{\"type\":\"level\",\"sku\":\"T\",\"qty\":2}";
	long long m;
	size_t len;

	wf_out_journal(o, 1);
	wf_out_hold(o);
	wf_out_emit(o, rec("A", 1));
	EQ_INT(wf_out_emit_text(o, t, sizeof t - 1), 0);
	m = wf_out_mark(o);
	EQ_INT(wf_out_emit_text(o, t, sizeof t - 1), 0);
	EQ_INT(wf_out_count(o), 3);
	wf_out_rewind(o, m);
	EQ_INT(wf_out_count(o), 2);
	EQ_STR(wf_out_journal_text(o, &len),
	    "{\"type\":\"level\",\"sku\":\"A\",\"qty\":1}\n"
	    "{\"type\":\"level\",\"sku\":\"T\",\"qty\":2}\n");
	wf_out_release(o);
}

static void
text_in_a_table(wf_out *o)
{
	EQ_INT(wf_out_jsonl(o), 0);
	EQ_INT(wf_out_emit_text(o, "{\"type\":\"level\"}", 16), WF_EINTERNAL);
	EQ_INT(wf_out_count(o), 0);
}

TEST(a_record_written_as_text_is_held_journaled_and_rewound_as_a_tree)
{
	EQ_STR(run(WF_FMT_JSONL, text_and_tree),
	    "{\"type\":\"level\",\"sku\":\"A\",\"qty\":1}\n"
	    "{\"type\":\"level\",\"sku\":\"T\",\"qty\":2}\n");
	EQ_STR(run(WF_FMT_TABLE, text_in_a_table), "");
}
