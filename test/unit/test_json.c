/* The JSON-lines reader's hardening, typed access, and the writer. */
#include <stdio.h>

#include "harness.h"
#include "wf.h"

/* Parse one line; return the error message ("" when it parsed). */
static const char *
perr(const char *s, size_t n)
{
	cJSON *v = NULL;
	int rc = wf_json_parse(s, n, &v);

	cJSON_Delete(v);
	if (rc == 0)
		return "";
	return wf_error_msg();
}
#define PERR(lit) perr(lit, sizeof(lit) - 1)

TEST(accepts_plain_objects)
{
	EQ_STR(PERR("{}"), "");
	EQ_STR(PERR(" {\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"\\u00e9\\n\"}} "), "");
	EQ_STR(PERR("{\"emoji\":\"\\ud83d\\ude00\",\"raw\":\"\xf0\x9f\x98\x80 \xc3\xa9\"}"), "");
	EQ_STR(PERR("{\"n\":-0.5e-3,\"m\":0,\"k\":1E+2}"), "");
}

TEST(top_level_must_be_an_object)
{
	HAS_STR(PERR("[1,2]"), "expected a JSON object");
	HAS_STR(PERR("\"s\""), "expected a JSON object");
	HAS_STR(PERR("42"), "expected a JSON object");
	HAS_STR(PERR(""), "expected a JSON object");
	HAS_STR(PERR("\xef\xbb\xbf{}"), "expected a JSON object");   /* BOM */
}

TEST(refuses_nul_bytes)
{
	HAS_STR(perr("{\"a\":\"x\0y\"}", 11), "NUL byte at byte 8");
	HAS_STR(PERR("{\"a\":\"\\u0000\"}"), "NUL");
}

TEST(refuses_invalid_utf8)
{
	HAS_STR(PERR("{\"a\":\"\xff\"}"), "invalid UTF-8");
	HAS_STR(PERR("{\"a\":\"\xc0\xaf\"}"), "invalid UTF-8");          /* overlong */
	HAS_STR(PERR("{\"a\":\"\xe0\x80\xaf\"}"), "invalid UTF-8");      /* overlong */
	HAS_STR(PERR("{\"a\":\"\xed\xa0\x80\"}"), "invalid UTF-8");      /* surrogate */
	HAS_STR(PERR("{\"a\":\"\xf4\x90\x80\x80\"}"), "invalid UTF-8");  /* > U+10FFFF */
	HAS_STR(PERR("{\"a\":\"\xe2\x82\"}"), "invalid UTF-8");          /* truncated */
	HAS_STR(PERR("{\"a\":\"\x80\"}"), "invalid UTF-8");              /* lone continuation */
	HAS_STR(PERR("{\"\xfe\":1}"), "invalid UTF-8");                  /* in a key */
}

TEST(refuses_bad_escapes_and_control_characters)
{
	HAS_STR(PERR("{\"a\":\"\\ud800\"}"), "lone surrogate");
	HAS_STR(PERR("{\"a\":\"\\udc00\"}"), "lone surrogate");
	HAS_STR(PERR("{\"a\":\"\\ud800\\u0041\"}"), "lone surrogate");
	HAS_STR(PERR("{\"a\":\"\\x41\"}"), "bad escape");
	HAS_STR(PERR("{\"a\":\"\\u12\"}"), "escape");
	HAS_STR(PERR("{\"a\":\"tab\there\"}"), "control character");
}

TEST(refuses_what_cjson_would_accept)
{
	HAS_STR(PERR("{\"a\":1} x"), "unexpected text after the object");
	HAS_STR(PERR("{\"a\":01}"), "leading zero");
	HAS_STR(PERR("{\"a\":+1}"), "bad number");
	HAS_STR(PERR("{\"a\":.5}"), "bad number");
	HAS_STR(PERR("{\"a\":1.}"), "bad number");
	HAS_STR(PERR("{\"a\":1,}"), "expected a string key");
	HAS_STR(PERR("{\"a\":[1,]}"), "bad number");
	HAS_STR(PERR("{'a':1}"), "expected a string key");
	HAS_STR(PERR("{\"a\":tru}"), "unexpected character");
	HAS_STR(PERR("{\"a\":NaN}"), "bad number");
	HAS_STR(PERR("{\"a\" 1}"), "expected ':'");
	HAS_STR(PERR("{\"a\":1"), "expected ',' or '}'");
	HAS_STR(PERR("{\"a\":\"unterminated}"), "unterminated string");
}

TEST(refuses_deep_nesting)
{
	char deep[300];
	int i, n = 0;

	deep[n++] = '{';
	deep[n++] = '"'; deep[n++] = 'a'; deep[n++] = '"'; deep[n++] = ':';
	for (i = 0; i < 100; i++)
		deep[n++] = '[';
	for (i = 0; i < 100; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	HAS_STR(perr(deep, (size_t)n), "nesting too deep");
}

TEST(refuses_duplicate_keys_with_their_path)
{
	HAS_STR(PERR("{\"a\":1,\"a\":2}"), "duplicate key 'a'");
	HAS_STR(PERR("{\"lines\":[{\"qty\":1},{\"qty\":1,\"qty\":2}]}"),
	    "lines[1]: duplicate key 'qty'");
	/* many keys take the sorted path */
	HAS_STR(PERR("{\"k0\":0,\"k1\":0,\"k2\":0,\"k3\":0,\"k4\":0,\"k5\":0,\"k6\":0,"
	    "\"k7\":0,\"k8\":0,\"k9\":0,\"ka\":0,\"kb\":0,\"kc\":0,\"kd\":0,\"ke\":0,"
	    "\"kf\":0,\"k3\":1}"), "duplicate key 'k3'");
	EQ_STR(PERR("{\"a\":{\"x\":1},\"b\":{\"x\":1}}"), "");
	/* the empty name is a name like any other (was "out of memory") */
	HAS_STR(PERR("{\"\":1,\"\":2}"), "duplicate key ''");
}

/* Read every record of TEXT (documents too when DOCS is not NULL: the list
 * members); collect "line: result" into OUT ("line:member[i]:ok" for a
 * record of a list). */
static void
read_docs(const char *text, size_t len, size_t max, const char *const *docs,
    char *out, size_t n)
{
	FILE *f = fmemopen((void *)text, len, "r");
	wf_jsonl *r;
	cJSON *o;
	int rc;

	out[0] = '\0';
	wf_jsonl_open(&r, f, "stdin", max);
	if (docs)
		wf_jsonl_documents(r, docs);
	while ((rc = wf_jsonl_read(r, &o)) != 0) {
		char one[256];
		if (rc == 1 && wf_jsonl_member(r))
			snprintf(one, sizeof one, "%ld:%s[%ld]:ok;", wf_jsonl_lineno(r),
			    wf_jsonl_member(r), wf_jsonl_index(r));
		else if (rc == 1)
			snprintf(one, sizeof one, "%ld:ok;", wf_jsonl_lineno(r));
		else
			snprintf(one, sizeof one, "%s;", wf_error_msg());
		strncat(out, one, n - strlen(out) - 1);
		cJSON_Delete(o);
		if (rc == WF_EIO)
			break;
	}
	wf_jsonl_close(r);
	fclose(f);
}

static void
read_all(const char *text, size_t len, size_t max, char *out, size_t n)
{
	read_docs(text, len, max, NULL, out, n);
}

TEST(reader_names_the_line_and_goes_on)
{
	static const char text[] = "{\"a\":1}\n\n   \n{bad}\n{\"b\":2}\r\n{\"c\":3}";
	char out[1024];

	read_all(text, sizeof text - 1, 0, out, sizeof out);
	EQ_STR(out, "1:ok;stdin:4: invalid JSON at byte 2: expected a string key;5:ok;6:ok;");
}

TEST(reader_caps_line_length)
{
	char text[200], out[1024];
	int i;

	for (i = 0; i < 150; i++)
		text[i] = ' ';
	memcpy(text, "{\"a\":\"", 6);
	memcpy(text + 140, "\"}\n{\"b\":1}\n", 11);
	read_all(text, 151, 64, out, sizeof out);
	EQ_STR(out, "stdin:1: line is longer than the limit of 64 bytes;2:ok;");
}

TEST(reader_reports_nul_with_line)
{
	static const char text[] = "{\"a\":1}\n{\"a\":\"\0\"}\n";
	char out[1024];

	read_all(text, sizeof text - 1, 0, out, sizeof out);
	EQ_STR(out, "1:ok;stdin:2: NUL byte at byte 7;");
}

TEST(reader_hints_jq_for_a_document_in_own_format)
{
	static const char pretty[] = "{\n  \"type\": \"sku\"\n}\n";
	static const char list[] = "[{\"a\":1}]\n";
	char out[1024];

	read_all(pretty, sizeof pretty - 1, 0, out, sizeof out);
	HAS_STR(out, "stdin:1: invalid JSON at byte 2: expected a string key;"
	    " one JSON object per line: try jq -c;");
	read_all(list, sizeof list - 1, 0, out, sizeof out);
	HAS_STR(out, "stdin:1: expected a JSON object; one JSON object per line: try jq -c;");
}

TEST(reader_takes_a_platform_document_as_it_comes)
{
	static const char *const members[] = { "orders", "data", NULL };
	static const char pretty[] =
	    "\n{\n  \"orders\": [\n    {\"id\": 1},\n    {\"id\": 2}\n  ]\n}\n";
	static const char compact[] = "{\"object\":\"list\",\"data\":[{\"a\":1}]}\n{\"b\":2}\n";
	static const char array[] = "[\n {\"a\":1},\n {\"a\":2},\n 3\n]\n";
	static const char single[] = "{\n \"order\": {\"id\": 1}\n}\n";
	static const char bad[] = "{\n \"orders\": [\n";
	char out[1024];

	read_docs(pretty, sizeof pretty - 1, 0, members, out, sizeof out);
	EQ_STR(out, "2:orders[0]:ok;2:orders[1]:ok;");
	read_docs(compact, sizeof compact - 1, 0, members, out, sizeof out);
	EQ_STR(out, "1:data[0]:ok;2:ok;");
	read_docs(array, sizeof array - 1, 0, members, out, sizeof out);
	EQ_STR(out, "1:[0]:ok;1:[1]:ok;stdin:1: [2]: expected a JSON object;");
	read_docs(single, sizeof single - 1, 0, members, out, sizeof out);
	EQ_STR(out, "1:ok;");
	read_docs(bad, sizeof bad - 1, 0, members, out, sizeof out);
	HAS_STR(out, "stdin:1: invalid JSON at byte ");
}

/* Typed access. */
static cJSON *
obj(const char *s)
{
	cJSON *v = NULL;

	if (wf_json_parse(s, strlen(s), &v) != 0)
		FAILF("parse: %s", wf_error_msg());
	return v;
}

TEST(integers_are_exact_within_2_to_the_53)
{
	cJSON *o = obj("{\"a\":9007199254740991,\"b\":9007199254740992,\"c\":-9007199254740991,"
	    "\"d\":2.0,\"e\":1e3,\"f\":\"3\",\"g\":-3,\"h\":0}");
	wf_jloc at = WF_JLOC_ROOT("stdin", 17);
	int64_t v;

	EQ_INT(wf_jget_int(&at, o, "a", WF_J_REQ, INT64_MIN, INT64_MAX, &v), 0);
	EQ_INT(v, 9007199254740991LL);
	EQ_INT(wf_jget_int(&at, o, "b", WF_J_REQ, INT64_MIN, INT64_MAX, &v), WF_EINPUT);
	EQ_STR(wf_error_msg(), "stdin:17: b: integer 9007199254740992 is out of range");
	EQ_INT(wf_jget_int(&at, o, "c", WF_J_REQ, INT64_MIN, INT64_MAX, &v), 0);
	EQ_INT(v, -9007199254740991LL);
	EQ_INT(wf_jget_int(&at, o, "d", WF_J_REQ, 1, WF_JSON_INT_MAX, &v), WF_EINPUT);
	EQ_STR(wf_error_msg(), "stdin:17: d: expected a positive integer, got 2.0");
	EQ_INT(wf_jget_int(&at, o, "e", WF_J_REQ, 1, WF_JSON_INT_MAX, &v), WF_EINPUT);
	EQ_INT(wf_jget_int(&at, o, "f", WF_J_REQ, 1, WF_JSON_INT_MAX, &v), WF_EINPUT);
	EQ_STR(wf_error_msg(), "stdin:17: f: expected a positive integer, got \"3\"");
	EQ_INT(wf_jget_int(&at, o, "g", WF_J_REQ, 1, WF_JSON_INT_MAX, &v), WF_EINPUT);
	EQ_STR(wf_error_msg(), "stdin:17: g: expected a positive integer, got -3");
	EQ_INT(wf_jget_int(&at, o, "h", WF_J_REQ, 0, WF_JSON_INT_MAX, &v), 0);
	/* the description of a non-number (was printed from an unset buffer) */
	{
		cJSON *t = obj("{\"t\":true,\"o\":{},\"s\":\"x\"}");
		EQ_INT(wf_jget_int(&at, t, "t", WF_J_REQ, 1, WF_JSON_INT_MAX, &v), WF_EINPUT);
		EQ_STR(wf_error_msg(), "stdin:17: t: expected a positive integer, got true");
		EQ_INT(wf_jget_int(&at, t, "o", WF_J_REQ, -5, 5, &v), WF_EINPUT);
		EQ_STR(wf_error_msg(), "stdin:17: o: expected an integer from -5 to 5, got an object");
		cJSON_Delete(t);
	}
	EQ_INT(wf_jget_int(&at, o, "zz", 0, 0, 10, &v), 1);
	EQ_INT(wf_jget_int(&at, o, "zz", WF_J_REQ, 0, 10, &v), WF_EINPUT);
	EQ_STR(wf_error_msg(), "stdin:17: zz: missing");
	cJSON_Delete(o);
}

TEST(field_paths_in_errors)
{
	cJSON *o = obj("{\"lines\":[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"B\",\"qty\":-3}]}");
	wf_jloc root = WF_JLOC_ROOT("stdin", 42);
	wf_jloc lines = WF_JLOC_KEY(&root, "lines");
	const cJSON *arr, *l1;
	int64_t q;

	EQ_INT(wf_jget_arr(&root, o, "lines", WF_J_REQ, &arr), 0);
	l1 = cJSON_GetArrayItem(arr, 1);
	{
		wf_jloc at = WF_JLOC_IDX(&lines, 1);
		EQ_INT(wf_jget_int(&at, l1, "qty", WF_J_REQ, 1, WF_JSON_INT_MAX, &q), WF_EINPUT);
		EQ_STR(wf_error_msg(), "stdin:42: lines[1].qty: expected a positive integer, got -3");
	}
	cJSON_Delete(o);
}

TEST(strings_money_times_ids_bools)
{
	cJSON *o = obj("{\"s\":\"x\",\"e\":\"\",\"n\":null,\"m\":\"19.99\",\"mf\":19.99,"
	    "\"mx\":\"19.999\",\"t\":\"2026-11-20T10:00:00+01:00\",\"tb\":\"noon\","
	    "\"id\":450789469123456789012,\"ids\":\"gid://x/1\",\"idf\":1.5,\"b\":true}");
	wf_jloc at = WF_JLOC_ROOT(NULL, 0);
	const char *s;
	int64_t v;
	int b;

	EQ_INT(wf_jget_str(&at, o, "s", WF_J_REQ, 0, &s), 0); EQ_STR(s, "x");
	EQ_INT(wf_jget_str(&at, o, "e", WF_J_NONEMPTY, 0, &s), WF_EINPUT);
	EQ_STR(wf_error_msg(), "e: must not be empty");
	EQ_INT(wf_jget_str(&at, o, "n", 0, 0, &s), 1);
	EQ_INT(wf_jget_str(&at, o, "n", WF_J_REQ, 0, &s), WF_EINPUT);
	EQ_STR(wf_error_msg(), "n: must not be null");
	EQ_INT(wf_jget_str(&at, o, "b", 0, 0, &s), WF_EINPUT);
	EQ_STR(wf_error_msg(), "b: expected a string, got true");
	EQ_INT(wf_jget_money(&at, o, "m", WF_J_REQ, "EUR", &v), 0); EQ_INT(v, 1999);
	EQ_INT(wf_jget_money(&at, o, "mf", WF_J_REQ, "EUR", &v), WF_EINPUT);
	EQ_STR(wf_error_msg(), "mf: expected a decimal string like \"19.99\", got 19.99");
	EQ_INT(wf_jget_money(&at, o, "mf", WF_J_NUMOK, "EUR", &v), 0); EQ_INT(v, 1999);
	EQ_INT(wf_jget_money(&at, o, "mx", WF_J_REQ, "EUR", &v), WF_EINPUT);
	HAS_STR(wf_error_msg(), "mx: '19.999' has more decimals than EUR allows");
	EQ_INT(wf_jget_time(&at, o, "t", WF_J_REQ, &v), 0);
	{
		char tb[WF_TIME_LEN];
		wf_time_format(v, tb);
		EQ_STR(tb, "2026-11-20T09:00:00Z");
	}
	EQ_INT(wf_jget_time(&at, o, "tb", WF_J_REQ, &v), WF_EINPUT);
	EQ_INT(wf_jget_id(&at, o, "id", WF_J_REQ, &s), 0);
	EQ_STR(s, "450789469123456789012");
	EQ_INT(wf_jget_id(&at, o, "ids", WF_J_REQ, &s), 0); EQ_STR(s, "gid://x/1");
	EQ_INT(wf_jget_id(&at, o, "idf", WF_J_REQ, &s), WF_EINPUT);
	EQ_INT(wf_jget_bool(&at, o, "b", WF_J_REQ, &b), 0); EQ_INT(b, 1);
	EQ_INT(wf_jget_bool(&at, o, "s", WF_J_REQ, &b), WF_EINPUT);
	cJSON_Delete(o);
}

TEST(strict_refuses_unknown_keys)
{
	static const char *const known[] = { "type", "sku", NULL };
	cJSON *o = obj("{\"type\":\"sku\",\"sku\":\"A\",\"colour\":\"red\"}");
	wf_jloc at = WF_JLOC_ROOT("stdin", 3);

	EQ_INT(wf_jcheck_keys(&at, o, known), WF_EINPUT);
	EQ_STR(wf_error_msg(), "stdin:3: colour: unknown key");
	cJSON_Delete(o);
}

TEST(literal_keys_write_and_free_like_copied_ones)
{
	cJSON *r = wf_jrecord("order"), *d;
	wf_buf b = {0};

	EQ_INT(wf_jadd_lit(r, "ref", wf_json_str("shop:1")), 0);
	EQ_INT(wf_jadd_lit(r, "note", wf_json_str(NULL)), 0);
	EQ_INT(wf_jadd_lit(r, "total", wf_json_money(1999, "EUR")), 0);
	EQ_INT(wf_jadd_lit(r, "yen", wf_json_money(1999, "JPY")), 0);
	EQ_INT(wf_jadd_lit(r, "lines", wf_json_int(2)), 0);
	/* a copy, and a member deleted by name, free what they own only */
	d = cJSON_Duplicate(r, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(d, "type");
	EQ_INT(wf_json_write(&b, r), 0);
	EQ_STR(b.p, "{\"type\":\"order\",\"ref\":\"shop:1\",\"note\":null,"
	    "\"total\":\"19.99\",\"yen\":\"1999\",\"lines\":2}");
	wf_buf_reset(&b);
	EQ_INT(wf_json_write(&b, d), 0);
	EQ_STR(b.p, "{\"ref\":\"shop:1\",\"note\":null,\"total\":\"19.99\","
	    "\"yen\":\"1999\",\"lines\":2}");
	cJSON_Delete(d);
	cJSON_Delete(r);
	wf_buf_free(&b);
}

TEST(writer_is_compact_ordered_and_exact)
{
	cJSON *r = wf_jrecord("level"), *in = NULL;
	wf_buf b = {0};
	static const char src[] = "{\"big\":12345678901234567890,\"f\":1.50,\"s\":\"\\u00e9\"}";

	wf_jadd_str(r, "sku", "MUG-1");
	wf_jadd_int(r, "qty", 9007199254740991LL);
	wf_jadd_money(r, "value", 180000, "EUR");
	wf_jadd_str(r, "note", "a \"q\"\\\n\t\x01 \xc3\xa9 \xff");
	wf_jadd_null(r, "none");
	wf_jadd_bool(r, "ok", 0);
	EQ_INT(wf_json_write(&b, r), 0);
	EQ_STR(b.p, "{\"type\":\"level\",\"sku\":\"MUG-1\",\"qty\":9007199254740991,"
	    "\"value\":\"1800.00\",\"note\":\"a \\\"q\\\"\\\\\\n\\t\\u0001 \xc3\xa9 \\ufffd\","
	    "\"none\":null,\"ok\":false}");
	cJSON_Delete(r);
	wf_buf_reset(&b);
	EQ_INT(wf_json_parse(src, sizeof src - 1, &in), 0);
	EQ_INT(wf_json_write(&b, in), 0);
	EQ_STR(b.p, "{\"big\":12345678901234567890,\"f\":1.50,\"s\":\"\xc3\xa9\"}");
	cJSON_Delete(in);
	wf_buf_free(&b);
}
