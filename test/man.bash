# Readers of the man pages' conventions, for test/man.bats and for any suite
# that wants to check its tool's records against wf-records(5):
#
#     load man
#     run -0 --separate-stderr wf-stock levels --format jsonl
#     records_documented <<<"$output"   # or: documented level
#
# The conventions these functions read are described at the top of
# test/man.bats.  Each function prints tab-separated lines, for sort/diff.

MAN_DIR=$(cd "$BATS_TEST_DIRNAME/../man" && pwd)

# The shared options, documented once in wf(1): NAME KIND CHOICES META as
# `--commands` prints them when a command does not define its own.
MAN_SHARED_OPTS=$'--db\tfile\t\t
--actor\towner\t\t
--format\tchoice\tjsonl|table|csv|tsv\t
--help\tnone\t\t
--version\tnone\t\t
--dry-run\tnone\t\t
--idempotency-key\ttext\t\tKEY
--keep-going\tnone\t\t
--strict\tnone\t\t'

# man_render PAGE: the page as plain text on one very wide terminal, so
# that no line is wrapped (overstrike bold and underline removed).
man_render() {
	mandoc -Tascii -O width=1000 "$1" | sed 's/.\x08//g'
}

# man_synopsis PAGE NAME: the SYNOPSIS forms as rendered, one per line,
# spaces squeezed.
man_synopsis() {
	man_render "$1" | awk -v name="$2" '
		/^[A-Z]/ { sec = $0; next }
		sec == "SYNOPSIS" && ($1 == name) {
			$1 = $1; print
		}'
}

# man_usage BIN: the usage forms `BIN --help` prints, one per line.
man_usage() {
	"$1" --help </dev/null | awk -v name="${1##*/}" '
		/^commands:/ { on = 1; next }
		on && /^$/ { exit }
		on && $1 == name { $1 = $1; print }'
}

# man_commands PAGE: "entry<TAB>NAME" for every entry of the COMMANDS list
# (".It Cm NAME ..." or ".It Nm Cm NAME ..."; ".It Nm ..." is the default
# command, NAME ""), then "opt<TAB>NAME<TAB>--OPTION" for every "Fl \-OPTION"
# or "Fl -OPTION" in that entry, head or body.  Only the first list of the
# section holds entries; lists nested in an entry are part of its body.
man_commands() {
	awk '
		/^\.Sh / { on = ($2 == "COMMANDS"); depth = 0; cur = ""; has = 0; next }
		!on { next }
		/^\.Bl( |$)/ { depth++ }
		/^\.El( |$)/ { depth--; next }
		/^\.It( |$)/ && depth == 1 {
			has = 0; i = 2
			nm = ($i == "Nm"); if (nm) i++
			if ($i == "Cm") {
				name = ""
				for (i++; i <= NF && $i !~ /^[A-Z]/; i++)
					name = name (name == "" ? "" : " ") $i
				cur = name; has = 1
			} else if (nm) {
				cur = ""; has = 1
			}
			if (has) printf "entry\t%s\n", cur
		}
		has && /^\./ {
			for (i = 1; i < NF; i++)
				if (($i == "Fl" || $i == ".Fl") && $(i + 1) ~ /^(\\-|-)[a-z]/) {
					o = $(i + 1); sub(/^\\/, "", o)
					printf "opt\t%s\t-%s\n", cur, o
				}
		}' "$1"
}

# man_shared_options PAGE: the options of the OPTIONS section's list,
# "--name" per line.
man_shared_options() {
	awk '
		/^\.Sh / { on = ($2 == "OPTIONS"); next }
		on && /^\.It / {
			for (i = 2; i < NF; i++)
				if (($i == "Fl" || $i == ".Fl") && $(i + 1) ~ /^(\\-|-)[a-z]/) {
					o = $(i + 1); sub(/^\\/, "", o); print "-" o
				}
		}' "$1"
}

# spec_commands BIN: the subcommand names `BIN --commands` prints.
spec_commands() {
	"$1" --commands </dev/null | awk -F'\t' '$1 == "cmd" { print $2 }'
}

# spec_options BIN: "CMD<TAB>--OPTION" for every option a command defines
# itself (the shared ones, documented in wf(1), left out).
spec_options() {
	"$1" --commands </dev/null | awk -F'\t' '
		$1 == "opt" && $7 != "shared" { print $2 "\t" $3 }'
}

# man_state_rows PAGE: "MACHINE<TAB>FROM<TAB>ACTION<TAB>TO" for every row of
# the MACHINES section of wf-states(7).
man_state_rows() {
	awk '
		/^\.Sh / { on = ($2 == "MACHINES"); next }
		!on { next }
		/^\.Ss / { m = $2; next }
		/^\.It / && / Ta / {
			line = substr($0, 5); gsub(/\\&/, "", line)
			n = split(line, c, / Ta /)
			if (c[1] ~ /^Em /) next
			printf "%s\t%s\t%s\t%s\n", m, c[1], c[2], c[3]
		}' "$1"
}

# man_state_names PAGE: "MACHINE<TAB>STATE" for every state listed on the
# ".Sy" lines of each machine, in order.
man_state_names() {
	awk '
		/^\.Sh / { on = ($2 == "MACHINES"); next }
		!on { next }
		/^\.Ss / { m = $2; next }
		/^\.Sy / {
			for (i = 2; i <= NF; i++)
				if ($i != "," && $i != "." && $i != ";")
					printf "%s\t%s\n", m, $i
		}' "$1"
}

# man_record_keys [PAGE]: "TYPE<TAB>KEY" for every field documented in the
# RECORDS section of wf-records(5).
man_record_keys() {
	awk '
		/^\.Sh / { on = ($2 == "RECORDS"); next }
		!on { next }
		/^\.Ss / { t = $2; next }
		/^\.It Li / { print t "\t" $3 }' "${1:-$MAN_DIR/wf-records.5}"
}

# records_documented: every record on stdin (JSON lines) has a subsection in
# wf-records(5) and every top-level key of it an entry there.  Prints what is
# missing and fails.
records_documented() {
	local doc got missing

	doc=$(man_record_keys | sort -u)
	got=$(jq -r '. as $r | keys_unsorted[] | "\($r.type)\t\(.)"' | sort -u) || return 1
	missing=$(comm -13 <(printf '%s\n' "$doc") <(printf '%s\n' "$got"))
	if [ -n "$missing" ]; then
		printf 'not in wf-records(5) (type, key):\n%s\n' "$missing" >&2
		return 1
	fi
}

# documented TYPE: $output (a bats `run`'s) holds at least one TYPE record,
# and every record in it is documented in wf-records(5).
documented() {
	jq -se --arg t "$1" 'any(.type == $t)' <<<"$output" >/dev/null || {
		echo "no $1 record in: $output" >&2
		return 1
	}
	records_documented <<<"$output"
}

# subkeys_documented TYPE KEY: $output holds a TYPE record whose KEY is an
# object or an array of objects, and the keys inside KEY of every TYPE
# record are documented in wf-records(5) as "KEY.SUB" or "KEY[].SUB".
# records_documented checks the top-level keys only.
subkeys_documented() {
	local doc got missing

	doc=$(man_record_keys | sort -u)
	got=$(jq -r --arg t "$1" --arg k "$2" '
		select(.type == $t) | .[$k] |
		if type == "array" then .[] | keys_unsorted[] | "\($t)\t\($k)[].\(.)"
		elif type == "object" then keys_unsorted[] | "\($t)\t\($k).\(.)"
		else empty end' <<<"$output" | sort -u) || return 1
	if [ -z "$got" ]; then
		echo "no $1 record with keys in $2 in: $output" >&2
		return 1
	fi
	missing=$(comm -13 <(printf '%s\n' "$doc") <(printf '%s\n' "$got"))
	if [ -n "$missing" ]; then
		printf 'not in wf-records(5) (type, key):\n%s\n' "$missing" >&2
		return 1
	fi
}
