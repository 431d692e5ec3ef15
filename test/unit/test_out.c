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
	EQ_STR(run(WF_FMT_CSV, two),
	    "type,sku,qty\nlevel,\"A,1\",5\nlevel,\"B\t\"\"2\"\"\",-12\n");
	EQ_STR(run(WF_FMT_TSV, two),
	    "type\tsku\tqty\nlevel\tA,1\t5\nlevel\tB\\t\"2\"\t-12\n");
	EQ_STR(run(WF_FMT_TABLE, two),
	    "SKU    QTY\nA,1      5\nB \"2\"  -12\n");
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

TEST(format_names)
{
	wf_format f;

	EQ_INT(wf_format_parse("csv", &f), 0); EQ_INT(f, WF_FMT_CSV);
	EQ_INT(wf_format_parse("xml", &f), WF_EUSAGE);
}
