# Workform build.  `make check` and `make demo` work as the first command on a
# fresh Debian machine: the `deps` step installs what is missing (as root) or
# prints the exact command to run.

VERSION   = 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share
DESTDIR  ?=
# Where each shell looks for completions under PREFIX: bash-completion reads
# $XDG_DATA_DIRS/bash-completion/completions (default /usr/local/share and
# /usr/share); zsh's default $fpath has /usr/local/share/zsh/site-functions
# (Debian's zsh package uses /usr/share/zsh/vendor-completions); fish reads
# $XDG_DATA_DIRS/fish/vendor_completions.d and its own
# /usr/share/fish/vendor_completions.d.  Packagers override these.
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d

CC       ?= cc
CFLAGS   ?= -O2 -g
# Warnings are forced on whatever CFLAGS the caller passes.
WARN      = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla -Wno-unused-parameter
PKGS      = sqlite3 libcjson
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(WARN) -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 \
             -DWF_VERSION='"$(VERSION)"' -Ilibwf $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_WF  = $(PKG_LIBS)

# Build directory: `make` builds into build/, the sanitizer build into
# build-asan/, so the two never mix objects.
B        ?= build

LIB_SRC  = $(wildcard libwf/*.c)
LIB_OBJ  = $(LIB_SRC:libwf/%.c=$(B)/libwf/%.o)
CMD_SRC  = $(filter-out cmd/cli.c,$(wildcard cmd/*.c))
BINS     = $(CMD_SRC:cmd/%.c=$(B)/%)
UNIT_SRC = $(wildcard test/unit/test_*.c)
UNITS    = $(UNIT_SRC:test/unit/%.c=$(B)/unit/%)
# Fuzz targets: test/fuzz/fuzz_NAME.c.  The normal build links each with a
# replay driver ($(B)/fuzz/NAME) that `make check` runs over the saved inputs;
# `make fuzz` links them with libFuzzer into build-fuzz/libfuzzer/.
FUZZ_SRC  = $(wildcard test/fuzz/fuzz_*.c)
FUZZ_NAMES = $(FUZZ_SRC:test/fuzz/%.c=%)
REPLAYS   = $(FUZZ_SRC:test/fuzz/%.c=$(B)/fuzz/%)
FUZZ_LIB  = test/fuzz/common.c test/fuzz/importer.c test/fuzz/orders.c test/fuzz/payouts.c
FUZZ_DEPS = $(FUZZ_LIB) test/fuzz/fuzz.h
# Benchmark programs: bench/NAME.c -> $(B)/bench/NAME (built by `make bench`).
BENCH_PROGS = $(patsubst bench/%.c,$(B)/bench/%,$(filter-out bench/util.c,$(wildcard bench/*.c)))
MANPAGES = $(wildcard man/*.[1-8])

.PHONY: all build deps check check-real check-unit check-bats check-asan \
        check-valgrind check-fuzz-replay check-crash demo demo-real lint install \
        uninstall clean bench bench-build fuzz fuzz-build fuzz-binaries \
        build-asan check-asan-unit check-asan-bats

all:
	@.ci/deps build
	@$(MAKE) --no-print-directory build

build: $(BINS) $(UNITS) $(REPLAYS)

$(B)/libwf/%.o: libwf/%.c libwf/*.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/cli.o: cmd/cli.c cmd/cli.h libwf/*.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -Icmd -c -o $@ $<

$(B)/libwf.a: $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $(LIB_OBJ)

$(B)/%: cmd/%.c $(B)/cli.o $(B)/libwf.a cmd/cli.h libwf/*.h
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) -Icmd -o $@ $< $(B)/cli.o $(B)/libwf.a $(LDFLAGS) $(LDLIBS_WF)

$(B)/unit/%: test/unit/%.c test/unit/harness.h $(B)/libwf.a libwf/*.h
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) -Itest/unit -o $@ $< $(B)/libwf.a $(LDFLAGS) $(LDLIBS_WF)

$(B)/fuzz/%: test/fuzz/%.c test/fuzz/replay.c $(FUZZ_DEPS) $(B)/libwf.a libwf/*.h
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) -Itest/fuzz -o $@ $< $(FUZZ_LIB) test/fuzz/replay.c \
	  $(B)/libwf.a $(LDFLAGS) $(LDLIBS_WF)

$(B)/libfuzzer/%: test/fuzz/%.c $(FUZZ_DEPS) $(B)/libwf.a libwf/*.h
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Itest/fuzz -o $@ $< $(FUZZ_LIB) \
	  $(B)/libwf.a $(LDFLAGS) $(LDLIBS_WF)

$(B)/bench/%: bench/%.c bench/util.c bench/util.h
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) -Ibench -o $@ $< bench/util.c $(LDFLAGS) $(LDLIBS_WF)

# (standalone: a change to util.c must not make bench/run regenerate data)
$(B)/bench/gen $(B)/bench/measure: $(B)/bench/%: bench/%.c
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS)

# --- dependencies -----------------------------------------------------------

deps:
	@.ci/deps build test lint

# --- tests ------------------------------------------------------------------

check:
	@.ci/deps build test
	@$(MAKE) --no-print-directory check-real

check-real: build
	@$(MAKE) --no-print-directory check-unit check-fuzz-replay check-bats

check-unit: $(UNITS)
	@fail=0; for t in $(UNITS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

# Every seed and every input that once crashed, through its fuzz target.
check-fuzz-replay: $(REPLAYS)
	@fail=0; for t in $(FUZZ_NAMES); do \
	  $(B)/fuzz/$$t $$t test/fuzz/corpus/$$t test/fuzz/regressions/$$t || fail=1; \
	done; exit $$fail

BATS_JOBS ?= 1
# BATS_FILES: the suites to run (default all); .ci/run splits them.
BATS_FILES ?= test/
check-bats: $(BINS)
	WF_BIN=$(CURDIR)/$(B) bats $(if $(filter-out 1,$(BATS_JOBS)),--jobs $(BATS_JOBS)) $(BATS_FILES)

# The same tests on an AddressSanitizer + UndefinedBehaviorSanitizer build.
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
check-asan:
	@.ci/deps build test
	@WF_TIME_SCALE=10 $(MAKE) --no-print-directory B=build-asan CFLAGS="$(ASAN_FLAGS)" \
	  LDFLAGS="$(ASAN_FLAGS)" check-real

# The pieces of check-asan, for .ci/run to run side by side: the build,
# the unit tests and fuzz replays, and the bats suites (BATS_FILES).  The
# waits the bats tests allow other processes scale by WF_TIME_SCALE
# (test/helper.bash): a sanitizer build is several times slower.
ASAN_MAKE = $(MAKE) --no-print-directory B=build-asan CFLAGS="$(ASAN_FLAGS)" \
	  LDFLAGS="$(ASAN_FLAGS)"
build-asan:
	@$(ASAN_MAKE) build
check-asan-unit:
	@$(ASAN_MAKE) check-unit check-fuzz-replay
# The bats suites run without LeakSanitizer: its scan at every process exit
# was a fifth of their time, for thousands of processes.  Leaks are still
# checked, of every kind: in check-asan-unit (the unit tests and every fuzz
# replay) and by check-valgrind (those and the commands in test/valgrind.sh).
check-asan-bats:
	@ASAN_OPTIONS=detect_leaks=0$${ASAN_OPTIONS:+:$$ASAN_OPTIONS} WF_TIME_SCALE=10 \
	  $(ASAN_MAKE) check-bats

# The unit tests, the fuzz replays and the binaries' commands under valgrind
# (test/valgrind.sh): no leak of any kind, no memory error.
check-valgrind:
	@.ci/deps build valgrind
	@$(MAKE) --no-print-directory build
	@test/valgrind.sh $(B)

# Kill large imports with SIGKILL at random points and check that every
# batch is there whole or not at all (test/crash.sh; a minute or two).
check-crash:
	@.ci/deps build test
	@$(MAKE) --no-print-directory build $(B)/bench/gen $(B)/bench/load
	@test/crash.sh $(B)

# The man pages; one owner per table (.ci/owners); db.c the only file that
# calls SQLite; no libwf file past 1,500 lines (design.md).
lint:
	@.ci/deps lint
	@fail=0; for m in $(MANPAGES); do \
	  mandoc -Tlint -W warning $$m || fail=1; done; \
	.ci/owners libwf || fail=1; \
	for f in $(filter-out libwf/db.c,$(LIB_SRC)) libwf/*.h; do \
	  if grep -n 'sqlite3\(_[a-z0-9_]*\)\?\b' $$f | grep -v '^[0-9]*: \*\|/\*' >/dev/null; then \
	    echo "lint: $$f: calls SQLite; only libwf/db.c may (wf_db.h)"; \
	    if [ "$$f" != libwf/wf_db_sqlite.h ]; then fail=1; fi; fi; \
	done; \
	for f in $(LIB_SRC); do n=$$(wc -l <$$f); \
	  if [ $$n -gt 1500 ]; then echo "lint: $$f: $$n lines; past 1,500 split it by record"; fail=1; fi; \
	done; exit $$fail

# --- fuzzing ----------------------------------------------------------------
# `make fuzz FUZZ_SECONDS=N` runs every target for N seconds (FUZZ_JOBS at a
# time) from its seed corpus, failing if any finds a crash.  libwf is built
# with the same instrumentation (fuzzer-no-link: coverage without a main).
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_SAN     = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer
fuzz: fuzz-binaries
	@test/fuzz/run -t $(FUZZ_SECONDS) -j $(FUZZ_JOBS) build-fuzz $(FUZZ_NAMES)

# The libFuzzer binaries alone (.ci/run builds them before it runs
# FUZZ_NAMES in pieces beside other steps).
fuzz-binaries:
	@.ci/deps build fuzz
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang \
	  CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" LDFLAGS="$(FUZZ_SAN)" fuzz-build

fuzz-build: $(FUZZ_SRC:test/fuzz/%.c=$(B)/libfuzzer/%)

# --- demo -------------------------------------------------------------------

demo:
	@.ci/deps build demo
	@$(MAKE) --no-print-directory build
	@WF_BIN=$(CURDIR)/$(B) ./test/demo.sh

# --- benchmarks -------------------------------------------------------------
# `make bench` prints one table: each workload at each scale, the wf tool
# against its floor program (bench/README.md).  Not part of `make check`.
BENCH_SCALES ?= 10000 100000 1000000
bench:
	@.ci/deps build
	@$(MAKE) --no-print-directory build bench-build
	@BIN=$(CURDIR)/$(B) bench/run $(BENCH_SCALES)

bench-build: $(BENCH_PROGS)

# --- install ----------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	for m in $(MANPAGES); do s=$${m##*.}; \
	  install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	for b in $(notdir $(BINS)); do \
	  install -m 644 completions/wf.bash $(DESTDIR)$(BASHCOMPDIR)/$$b; \
	  install -m 644 completions/wf.fish $(DESTDIR)$(FISHCOMPDIR)/$$b.fish; done
	install -m 644 completions/_wf $(DESTDIR)$(ZSHCOMPDIR)/_wf

uninstall:
	for b in $(notdir $(BINS)); do rm -f $(DESTDIR)$(BINDIR)/$$b \
	  $(DESTDIR)$(BASHCOMPDIR)/$$b $(DESTDIR)$(FISHCOMPDIR)/$$b.fish; done
	for m in $(MANPAGES); do s=$${m##*.}; \
	  rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_wf

clean:
	rm -rf build build-asan build-fuzz bench/out
