/*
 * replay.c - run saved inputs through a fuzz target without libFuzzer.
 *
 *   replay [-v] NAME DIR|FILE...
 *
 * Linked with one fuzz_*.c in the normal build, so `make check` (and the
 * sanitizer and valgrind runs) replay the seed corpus and every input that
 * once crashed.  Each input is read into a buffer of exactly its size, so an
 * over-read is caught by ASan and valgrind.  A broken invariant aborts; the
 * handler names the input first (-v names every input before running it, for
 * sanitizer reports).  Prints "NAME: N inputs ok".
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static char current[4096];
static int verbose;

static void
on_abort(int sig)
{
	static const char head[] = "replay: failing input: ";
	ssize_t w;

	w = write(2, head, sizeof head - 1);
	w = write(2, current, strlen(current));
	w = write(2, "\n", 1);
	(void)w;
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;
	size_t n;

	if (f == NULL || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	n = (size_t)st.st_size;
	if ((buf = malloc(n ? n : 1)) == NULL || fread(buf, 1, n, f) != n) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	wf_strlcpy(current, path, sizeof current);
	if (verbose)
		fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every regular file in DIR, in name order.  Returns the count or -1. */
static long
run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	long count = 0;

	if (d == NULL)
		return 0;       /* no inputs yet */
	while ((e = readdir(d)) != NULL) {
		wf_buf path = {0};
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (wf_buf_addf(&path, "%s/%s", dir, e->d_name) != 0)
			abort();
		if (stat(path.p, &st) != 0 || !S_ISREG(st.st_mode)) {
			wf_buf_free(&path);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((names = realloc(names, cap * sizeof *names)) == NULL)
				abort();
		}
		names[n++] = wf_buf_take(&path);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (i = 0; i < n; i++) {
		if (count >= 0 && run_file(names[i]) != 0)
			count = -1;
		else if (count >= 0)
			count++;
		free(names[i]);
	}
	free(names);
	return count;
}

int
main(int argc, char **argv)
{
	long total = 0, k;
	struct stat st;
	int i;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: replay [-v] NAME DIR|FILE...\n");
		return 2;
	}
	signal(SIGABRT, on_abort);
	for (i = 2; i < argc; i++) {
		if (stat(argv[i], &st) != 0 && errno == ENOENT)
			k = 0;          /* no inputs of this kind yet */
		else if (S_ISDIR(st.st_mode))
			k = run_dir(argv[i]);
		else
			k = run_file(argv[i]) == 0 ? 1 : -1;
		if (k < 0)
			return 1;
		total += k;
	}
	printf("%s: %ld inputs ok\n", argv[1], total);
	return 0;
}
