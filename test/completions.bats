#!/usr/bin/env bats
# Shell completions: the hidden --commands and --complete of every binary,
# and the bash, zsh and fish scripts in completions/ that use them.

load helper

COMPLETIONS=$(cd "$BATS_TEST_DIRNAME/../completions" && pwd)

setup_file() {
	# compinit scans every completion function once; the zsh tests reuse it.
	export ZCOMPDUMP=$BATS_FILE_TMPDIR/zcompdump
	zsh -f -c "fpath=(${COMPLETIONS@Q} \$fpath); autoload -Uz compinit; compinit -u -d ${ZCOMPDUMP@Q}"
}

setup() {
	wf_setup
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	PATH=$PATH:$BATS_TEST_TMPDIR/bin
}

# A database with two warehouses, bins, skus (one with a glob character)
# and orders.
stocked_db() {
	wf_init
	sql "INSERT INTO warehouse (code, owner, created_at, updated_at) VALUES
	  ('BER', 't', '$WF_NOW', '$WF_NOW'), ('LON', 't', '$WF_NOW', '$WF_NOW');
	INSERT INTO bin (warehouse_id, code, owner, created_at, updated_at) VALUES
	  (1, 'A-01', 't', '$WF_NOW', '$WF_NOW'), (2, 'B-02', 't', '$WF_NOW', '$WF_NOW');
	INSERT INTO sku (code, owner, currency, created_at, updated_at) VALUES
	  ('MUG-1', 't', 'EUR', '$WF_NOW', '$WF_NOW'), ('MUG-2', 't', 'EUR', '$WF_NOW', '$WF_NOW'),
	  ('TEE*1', 't', 'EUR', '$WF_NOW', '$WF_NOW');
	INSERT INTO orders (channel, external_id, ref, owner, currency, placed_at,
	  created_at, updated_at) VALUES
	  ('shop', '1001', 'shop:1001', 't', 'EUR', '2026-11-19T10:00:00Z', '$WF_NOW', '$WF_NOW'),
	  ('shop', '1002', 'shop:1002', 't', 'EUR', '2026-11-19T11:00:00Z', '$WF_NOW', '$WF_NOW');"
}

# ---- --complete ------------------------------------------------------------

@test "--complete lists the keys of a kind, one a line" {
	stocked_db
	run -0 --separate-stderr wf --complete warehouse
	assert_output "$(printf 'BER\nLON')"
	run -0 --separate-stderr wf --complete bin
	assert_output "$(printf 'BER/A-01\nLON/B-02')"
	run -0 --separate-stderr wf --complete order
	assert_output "$(printf 'shop:1002\nshop:1001')"
	[ -z "$stderr" ]
}

@test "--complete takes a prefix, matched literally" {
	stocked_db
	run -0 --separate-stderr wf --complete sku MUG-
	assert_output "$(printf 'MUG-1\nMUG-2')"
	run -0 --separate-stderr wf --complete sku 'TEE*'
	assert_output 'TEE*1'
	run -0 --separate-stderr wf --complete sku 'M*'
	assert_output ''
}

@test "--complete reads the database named by --db" {
	WF_DB=$BATS_TEST_TMPDIR/other.db stocked_db
	run -0 --separate-stderr wf --complete warehouse
	assert_output ''
	run -0 --separate-stderr wf --db "$BATS_TEST_TMPDIR/other.db" --complete warehouse B
	assert_output 'BER'
}

@test "--complete with no database prints nothing, exits 0 and creates nothing" {
	run -0 --separate-stderr wf --complete sku
	assert_output ''
	[ -z "$stderr" ]
	[ ! -e "$WF_DB" ]
}

@test "--complete is silent on a file that is not a Workform database" {
	printf 'not sqlite\n' >"$WF_DB"
	run -0 --separate-stderr wf --complete sku
	assert_output ''
	[ -z "$stderr" ]
}

@test "--complete is silent on an unknown kind" {
	wf_init
	run -0 --separate-stderr wf --complete widget
	assert_output ''
	[ -z "$stderr" ]
}

@test "--complete record lists history's record types without a database" {
	run -0 --separate-stderr wf --complete record s
	assert_output "$(printf 'sku\nshipment\nsupplier')"
}

@test "--commands lists wf TOOL as the default command" {
	run -0 --separate-stderr wf --commands
	assert_line "$(printf 'cmd\t\tTOOL [ARGS...]\ttool,text\trun wf-TOOL with ARGS (wf stock levels == wf-stock levels)')"
}

@test "an unknown option before the command is named once, with wf TOOL's usage" {
	run -2 --separate-stderr wf --bogus
	assert_equal "${stderr_lines[0]}" "wf: unknown option '--bogus'"
	assert_equal "${stderr_lines[1]}" "usage: wf TOOL [ARGS...]"
}

# ---- helpers for the scripts --------------------------------------------------

# The binaries under test: wf and every wf-* built beside it.
binaries() {
	local b
	for b in "$WF_BIN"/wf "$WF_BIN"/wf-*; do
		[ -f "$b" ] && [ -x "$b" ] && echo "${b##*/}"
	done
}

# What each binary's --commands promises, read here independently of the
# scripts, as "LINE<TAB>WORD": completing LINE must offer WORD.  Every word
# of every subcommand after the words before it; every option of every
# subcommand after it and "--"; every value of every choice option.
expectations() {
	local b
	for b in $(binaries); do
		"$b" --commands | awk -F '\t' -v b="$b" '
		$1 == "cmd" && $2 != "" {
			n = split($2, w, " ")
			line = b
			for (i = 1; i <= n; i++) {
				print line " \t" w[i]
				line = line " " w[i]
			}
		}
		$1 == "opt" {
			line = ($2 == "" ? b : b " " $2)
			print line " --\t" $3
			if ($4 == "choice") {
				n = split($5, c, "|")
				for (i = 1; i <= n; i++)
					print line " " $3 " \t" c[i]
			}
		}'
	done
}

# bash: complete LINE, the cursor at its end, the way readline calls the
# function (words split at blanks and at the ':' and '=' of
# COMP_WORDBREAKS), and print COMPREPLY one a line.  It runs in the calling
# shell, so the script's per-binary cache lives as long as that shell.
comp_bash() {
	local line=$1 rest=$1 tok w
	COMP_LINE=$line COMP_POINT=${#line} COMP_WORDS=()
	while :; do
		rest=${rest#"${rest%%[![:space:]]*}"}
		[ -n "$rest" ] || break
		tok=${rest%%[[:space:]]*}
		rest=${rest:${#tok}}
		while [ -n "$tok" ]; do
			if [[ $tok == [:=]* ]]; then w=${tok%%[!:=]*}; else w=${tok%%[:=]*}; fi
			COMP_WORDS+=("$w")
			tok=${tok:${#w}}
		done
	done
	[[ $line == *[[:space:]] ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_wf
	[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}"
}

bash_complete() {
	source "$COMPLETIONS/wf.bash"
	comp_bash "$1"
}

# fish: the candidates for LINE, without their descriptions.
fish_complete() {
	fish -N -c 'source $argv[1]; complete -C $argv[2] | string replace -r "\t.*" ""; true' \
	    "$COMPLETIONS/wf.fish" "$1"
}

# zsh: the matches compsys offers for LINE (see zcomplete.zsh).
zsh_complete() {
	timeout 60 zsh -f "$BATS_TEST_DIRNAME/zcomplete.zsh" "$COMPLETIONS" "$1"
}

# A tool built like the others (its table in cmd/cli.c's format); it hands
# everything else, --complete included, to wf.  Counts its --commands calls.
demo_tool() {
	cat >"$BATS_TEST_TMPDIR/bin/wf-demo" <<-'EOF'
	#!/bin/sh
	if [ "$1" = --commands ]; then
		echo called >>"${0%/*}/demo-commands"
		printf 'cmd\tshow\tSKU\tsku\tshow a sku\n'
		# a field more than today's, as a later table may print
		printf 'opt\tshow\t--at\tbin\t\tWH/BIN\tthe bin to look in\n'
		printf 'opt\tshow\t--db\tfile\t\t\n'
		printf 'cmd\torder\tREF\torder\tshow an order\n'
		printf 'cmd\tsku add\tSKU\ttext\tadd a sku\n'
		printf 'cmd\tsku list\t\t\tlist skus\n'
		exit 0
	fi
	exec wf "$@"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/bin/wf-demo"
}

# ---- every binary, from its own table ------------------------------------------

@test "the tables promise something to check" {
	expectations >"$BATS_TEST_TMPDIR/expect"
	run -0 grep -c . "$BATS_TEST_TMPDIR/expect"
	[ "$output" -ge 40 ]
	run -0 grep -xF "$(printf 'wf log --\t--since')" "$BATS_TEST_TMPDIR/expect"
}

@test "bash: every subcommand word, option and choice value of every binary completes" {
	expectations >"$BATS_TEST_TMPDIR/expect"
	check() {
		source "$COMPLETIONS/wf.bash"
		local line want
		while IFS=$'\t' read -r line want; do
			comp_bash "$line" >"$BATS_TEST_TMPDIR/got"
			grep -qxF -- "$want" "$BATS_TEST_TMPDIR/got" ||
				echo "'$line' does not offer '$want'"
		done
	}
	run -0 check <"$BATS_TEST_TMPDIR/expect"
	assert_output ''
}

@test "fish: every subcommand word, option and choice value of every binary completes" {
	expectations >"$BATS_TEST_TMPDIR/expect"
	run -0 fish -N -c '
		source $argv[1]
		while read -l --delimiter \t line want
			set -l got (complete -C $line | string replace -r "\t.*" "")
			contains -- $want $got; or echo "\"$line\" does not offer \"$want\""
		end' "$COMPLETIONS/wf.fish" <"$BATS_TEST_TMPDIR/expect"
	assert_output ''
}

@test "zsh: every subcommand word, option and choice value of every binary is a candidate" {
	expectations >"$BATS_TEST_TMPDIR/expect"
	run -0 zsh -f -c '
		source $1
		while IFS=$'"'\t'"' read -r line want; do
			words=(${(z)line})
			[[ $line == *" " ]] && words+=("")
			_wf_cur=$words[-1] _wf_vcur=$words[-1] _wf_c=() _wf_files=0
			_wf_cands $words[1,-2]
			(( ${_wf_c[(Ie)$want]} )) || print -r -- "\"$line\" does not offer \"$want\""
		done' zsh "$COMPLETIONS/_wf" <"$BATS_TEST_TMPDIR/expect"
	assert_output ''
}

# ---- bash ------------------------------------------------------------------------

@test "bash: the script parses and registers every binary" {
	run -0 bash -n "$COMPLETIONS/wf.bash"
	run -0 bash -c 'source "$1"; complete -p wf wf-stock wf-order wf-route wf-alert wf-po wf-reconcile' \
	    bash "$COMPLETIONS/wf.bash"
	assert_line 'complete -F _wf wf'
	assert_line 'complete -F _wf wf-reconcile'
}

@test "bash: installed under a new binary's name, it registers that name too" {
	cp "$COMPLETIONS/wf.bash" "$BATS_TEST_TMPDIR/wf-later"
	run -0 bash -c 'source "$1"; complete -p wf-later' bash "$BATS_TEST_TMPDIR/wf-later"
	assert_output 'complete -F _wf wf-later'
}

@test "bash: wf lo completes to log" {
	run -0 bash_complete 'wf lo'
	assert_output 'log'
}

@test "bash: wf log --s completes to --since" {
	run -0 bash_complete 'wf log --s'
	assert_output -- '--since'
}

@test "bash: wf log offers the record types" {
	run -0 bash_complete 'wf log '
	assert_output "$(printf '%s\n' sku warehouse bin order shipment return supplier po \
	    payout adjustment exception carrier)"
}

@test "bash: wf init -- offers its options, --dry-run included, and no one else's" {
	run -0 bash_complete 'wf init --'
	assert_line -- '--dry-run'
	assert_line -- '--db'
	refute_line -- '--since'
}

@test "bash: wf --format offers the four formats, also after =" {
	run -0 bash_complete 'wf --format '
	assert_output "$(printf '%s\n' jsonl table csv tsv)"
	run -0 bash_complete 'wf log --format=c'
	assert_output 'csv'
}

@test "bash: an option already given is not offered again" {
	run -0 bash_complete 'wf log --since -7d --'
	refute_line -- '--since'
	assert_line -- '--actor'
}

@test "bash: --db offers files" {
	cd "$BATS_TEST_TMPDIR"
	touch shop.db
	run -0 bash_complete 'wf --db sh'
	assert_output 'shop.db'
	run -0 bash_complete 'wf init --db=sh'
	assert_output 'shop.db'
}

@test "bash: wf offers its commands and the wf-* tools on PATH" {
	demo_tool
	run -0 bash_complete 'wf '
	local t tools=""
	for t in "$WF_BIN"/wf-*; do tools="$tools ${t##*/wf-}"; done
	assert_output "$(printf '%s\n' init log check report states $tools demo)"
	run -0 bash_complete 'wf de'
	assert_output 'demo'
}

@test "bash: wf TOOL completes as wf-TOOL, word by word" {
	demo_tool
	run -0 bash_complete 'wf demo '
	assert_output "$(printf '%s\n' show order sku)"
	run -0 bash_complete 'wf demo sku '
	assert_output "$(printf '%s\n' add list)"
	run -0 bash_complete 'wf demo show --'
	assert_output "$(printf '%s\n' --at --db)"
}

@test "bash: operands and options of a record kind come from the database" {
	demo_tool
	stocked_db
	run -0 bash_complete 'wf demo show MU'
	assert_output "$(printf '%s\n' MUG-1 MUG-2)"
	run -0 bash_complete 'wf-demo show MUG-1 --at '
	assert_output "$(printf '%s\n' BER/A-01 LON/B-02)"
	run -0 bash_complete 'wf-demo show --at=L'
	assert_output 'LON/B-02'
}

@test "bash: the database is the one named on the line" {
	demo_tool
	WF_DB=$BATS_TEST_TMPDIR/other.db stocked_db
	run -0 bash_complete 'wf demo show MU'
	assert_output ''
	run -0 bash_complete "wf --db $BATS_TEST_TMPDIR/other.db demo show MU"
	assert_output "$(printf '%s\n' MUG-1 MUG-2)"
	run -0 bash_complete "wf demo show --db=$BATS_TEST_TMPDIR/other.db MU"
	assert_output "$(printf '%s\n' MUG-1 MUG-2)"
}

@test "bash: an order ref completes after the colon bash splits at" {
	demo_tool
	stocked_db
	run -0 bash_complete 'wf demo order shop:'
	assert_output "$(printf '%s\n' 1002 1001)"
	run -0 bash_complete 'wf demo order shop:1001'
	assert_output '1001'
	run -0 bash_complete 'wf demo order sh'
	assert_output "$(printf '%s\n' shop:1002 shop:1001)"
}

@test "bash: a value the shell would expand is quoted" {
	demo_tool
	stocked_db
	run -0 bash_complete 'wf demo show TE'
	assert_output 'TEE\*1'
}

@test "bash: with no database a record kind offers nothing, silently" {
	demo_tool
	run -0 --separate-stderr bash_complete 'wf demo show '
	assert_output ''
	[ -z "$stderr" ]
	[ ! -e "$WF_DB" ]
}

@test "bash: each binary's table is read once per shell" {
	demo_tool
	twice() {
		source "$COMPLETIONS/wf.bash"
		comp_bash 'wf-demo s' && comp_bash 'wf-demo show --'
	}
	run -0 twice
	assert_line 'show'
	assert_line -- '--at'
	run -0 cat "$BATS_TEST_TMPDIR/bin/demo-commands"
	assert_output 'called'
}

@test "bash: a program that does not print a table gets no completions" {
	printf '#!/bin/sh\necho "usage: wf-other FILE" >&2; exit 2\n' >"$BATS_TEST_TMPDIR/bin/wf-other"
	chmod +x "$BATS_TEST_TMPDIR/bin/wf-other"
	run -0 --separate-stderr bash_complete 'wf other '
	assert_output ''
	[ -z "$stderr" ]
}

@test "bash: wf-stock's operands and options complete from the database" {
	[ -x "$WF_BIN/wf-stock" ] || skip "wf-stock is not built yet"
	stocked_db
	run -0 bash_complete 'wf-stock receive MU'
	assert_output "$(printf '%s\n' MUG-1 MUG-2)"
	run -0 bash_complete 'wf-stock receive MUG-1 3 --to '
	assert_output "$(printf '%s\n' BER/A-01 LON/B-02)"
	run -0 bash_complete 'wf stock levels --warehouse '
	assert_output "$(printf '%s\n' BER LON)"
}

@test "bash: wf-route completes its carrier commands, orders and warehouses" {
	[ -x "$WF_BIN/wf-route" ] || skip "wf-route is not built yet"
	stocked_db
	run -0 bash_complete 'wf-route car'
	assert_output carrier
	run -0 bash_complete 'wf-route sh'
	assert_output "$(printf '%s\n' shop:1002 shop:1001)"
	run -0 bash_complete 'wf-route carrier '
	assert_output "$(printf '%s\n' add remove list import)"
	run -0 bash_complete 'wf-route carrier add '
	assert_output "$(printf '%s\n' BER LON)"
	run -0 bash_complete 'wf-route --policy '
	assert_output "$(printf '%s\n' cheapest fastest margin)"
}

@test "bash: wf-reconcile completes its commands, formats, categories, payouts and warehouses" {
	[ -x "$WF_BIN/wf-reconcile" ] || skip "wf-reconcile is not built yet"
	stocked_db
	sql "INSERT INTO payout (provider, external_id, ref, currency, owner, created_at, updated_at) VALUES
	  ('shopify', '623721858', 'shopify:623721858', 'USD', 'finance', '$WF_NOW', '$WF_NOW'),
	  ('stripe', 'po_1', 'stripe:po_1', 'USD', 'finance', '$WF_NOW', '$WF_NOW')"
	run -0 bash_complete 'wf-reconcile '
	assert_output "$(printf '%s\n' import list show lines match accept margin cash value)"
	run -0 bash_complete 'wf-reconcile margin --by '
	assert_output "$(printf '%s\n' order sku channel month)"
	run -0 bash_complete 'wf-reconcile match --t'
	assert_output '--tolerance'
	run -0 bash_complete 'wf-reconcile accept sh'
	assert_output 'shopify:623721858'
	run -0 bash_complete 'wf-reconcile accept shopify:623721858 --r'
	assert_output '--reason'
	run -0 bash_complete 'wf-reconcile value --warehouse '
	assert_output "$(printf '%s\n' BER LON)"
	run -0 bash_complete 'wf-reconcile import --from '
	assert_output "$(printf '%s\n' stripe shopify amazon paypal generic)"
	run -0 bash_complete 'wf-reconcile lines --category dis'
	assert_output "$(printf '%s\n' dispute dispute_reversal)"
	run -0 bash_complete 'wf-reconcile show sh'
	assert_output 'shopify:623721858'
	run -0 bash_complete 'wf reconcile import --payout st'
	assert_output 'stripe:po_1'
	run -0 bash_complete 'wf-reconcile lines --order shop:'
	assert_output "$(printf '%s\n' 1002 1001)"
}

# ---- fish ------------------------------------------------------------------------

@test "fish: the script parses" {
	run -0 fish -N -n "$COMPLETIONS/wf.fish"
}

@test "fish: installed as a new binary's NAME.fish, it completes that name" {
	demo_tool
	cp "$BATS_TEST_TMPDIR/bin/wf-demo" "$BATS_TEST_TMPDIR/bin/wf-later"
	cp "$COMPLETIONS/wf.fish" "$BATS_TEST_TMPDIR/wf-later.fish"
	run -0 fish -N -c 'source $argv[1]; complete -C "wf-later sh"' "$BATS_TEST_TMPDIR/wf-later.fish"
	assert_output "$(printf 'show\tshow a sku')"
}

@test "fish: wf lo completes to log" {
	run -0 fish_complete 'wf lo'
	assert_output 'log'
}

@test "fish: wf log --s completes to --since" {
	run -0 fish_complete 'wf log --s'
	assert_output -- '--since'
}

@test "fish: wf log offers the record types" {
	run -0 fish_complete 'wf log '
	assert_output "$(printf '%s\n' sku warehouse bin order shipment return supplier po \
	    payout adjustment exception carrier | sort)"
}

@test "fish: wf init -- offers --dry-run" {
	run -0 fish_complete 'wf init --'
	assert_line -- '--dry-run'
	refute_line -- '--since'
}

@test "fish: wf --format offers the four formats" {
	run -0 fish_complete 'wf --format '
	assert_output "$(printf '%s\n' csv jsonl table tsv)"
	run -0 fish_complete 'wf log --format=t'
	assert_output "$(printf '%s\n' --format=table --format=tsv)"
}

@test "fish: wf TOOL completes as wf-TOOL, with values from the database" {
	demo_tool
	stocked_db
	run -0 fish_complete 'wf de'
	assert_output 'demo'
	run -0 fish_complete 'wf demo sku '
	assert_output "$(printf '%s\n' add list)"
	run -0 fish_complete 'wf demo show MU'
	assert_output "$(printf '%s\n' MUG-1 MUG-2)"
	run -0 fish_complete 'wf demo show MUG-1 --at L'
	assert_output 'LON/B-02'
	run -0 fish_complete 'wf demo order shop:100'
	assert_output "$(printf '%s\n' shop:1001 shop:1002)"
}

@test "fish: with no database a record kind offers nothing, silently" {
	demo_tool
	run -0 --separate-stderr fish_complete 'wf demo show '
	assert_output ''
	[ -z "$stderr" ]
}

# ---- zsh -------------------------------------------------------------------------

@test "zsh: the script parses" {
	run -0 zsh -n "$COMPLETIONS/_wf"
	run -0 head -1 "$COMPLETIONS/_wf"
	assert_output '#compdef wf wf-stock wf-order wf-route wf-alert wf-po wf-reconcile'
}

@test "zsh: wf lo completes to log" {
	run -0 zsh_complete 'wf lo'
	assert_output 'log'
}

@test "zsh: wf log --s completes to --since" {
	run -0 zsh_complete 'wf log --s'
	assert_output -- '--since'
}

@test "zsh: wf log offers the record types" {
	run -0 zsh_complete 'wf log '
	assert_output "$(printf '%s\n' sku warehouse bin order shipment return supplier po \
	    payout adjustment exception carrier | sort)"
}

@test "zsh: wf init -- offers --dry-run" {
	run -0 zsh_complete 'wf init --'
	assert_line -- '--dry-run'
	refute_line -- '--since'
}

@test "zsh: wf --format offers the four formats" {
	run -0 zsh_complete 'wf --format '
	assert_output "$(printf '%s\n' csv jsonl table tsv)"
}

@test "zsh: wf TOOL completes as wf-TOOL, with values from the database" {
	demo_tool
	stocked_db
	run -0 zsh_complete 'wf de'
	assert_output 'demo'
	run -0 zsh_complete 'wf demo show MU'
	assert_output "$(printf '%s\n' MUG-1 MUG-2)"
	run -0 zsh_complete 'wf demo order shop:'
	assert_output "$(printf '%s\n' shop:1001 shop:1002)"
}
