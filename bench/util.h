/*
 * util.h - what the benchmark programs share: dying with a message, opening
 * a Workform database the way libwf does (WAL, synchronous=FULL, foreign
 * keys on), prepared statements, and reading JSON lines with cJSON.
 *
 * The floor programs use SQLite and cJSON directly, never libwf: they are
 * the physical limit a tool is measured against.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>
#include <sqlite3.h>

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Open PATH (created by `wf init`), set the pragmas, BEGIN IMMEDIATE.
 * Also tells malloc to keep freed memory (see util.c). */
sqlite3 *bench_open(const char *path);
/* COMMIT and close. */
void bench_commit(sqlite3 *db);
sqlite3_stmt *prepare(sqlite3 *db, const char *sql);
/* Step a statement that returns no row; die on error. */
void run(sqlite3 *db, sqlite3_stmt *st);
/* Step a one-column integer query: the value, or -1 when there is no row. */
int64_t lookup(sqlite3 *db, sqlite3_stmt *st);
/* Bind S (NULL: SQL NULL) to parameter I of ST; S must outlive the step. */
void text(sqlite3_stmt *st, int i, const char *s);

/* The next JSON line of F parsed (caller frees), or NULL at the end. */
cJSON *next_line(FILE *f, long *lineno);
/* Member KEY as a string (NULL when absent), an integer, cents of "12.50". */
const char *jstr(const cJSON *o, const char *key);
int64_t jint(const cJSON *o, const char *key);
int64_t jcents(const cJSON *o, const char *key);

#endif
