#!/bin/sh
# Print the mdoc SYNOPSIS forms of a binary from its own command table
# (`BINARY --commands`), so a page's SYNOPSIS is generated, not retyped:
#     man/synopsis.sh build/wf-stock
# Paste the output between ".Sh SYNOPSIS" and the next section; test/man.bats
# checks that the page and --help still agree.
set -eu
bin=${1:?usage: man/synopsis.sh BINARY}
"$bin" --commands | awk -F '\t' '
function operands(args,    n, i, t, w, line) {
	n = split(args, t, " ")
	line = ""
	for (i = 1; i <= n; i++) {
		w = t[i]
		while (substr(w, 1, 1) == "[") { line = line "Op "; w = substr(w, 2) }
		gsub(/\]/, "", w)
		line = line "Ar " w " "
	}
	sub(/ $/, "", line)
	return line
}
function flush(   i) {
	if (cur == "") return
	print ".Nm"
	if (cur != "-") print ".Cm " cur
	if (args[cur] != "") print "." operands(args[cur])
	for (i = 1; i <= nopt; i++) print optline[i]
	if (dry) print ".Op Fl \\-dry-run"
	if (stdin) { print ".Op Fl \\-keep-going"; print ".Op Fl \\-strict" }
	nopt = 0; dry = 0; stdin = 0
}
$1 == "cmd" {
	flush()
	cur = $2 == "" ? "-" : $2
	args[cur] = $3
}
$1 == "opt" {
	o = $3; sub(/^--/, "", o)
	if (o == "dry-run") { dry = 1; next }
	if (o == "keep-going") { stdin = 1; next }
	if ($7 == "shared") next
	v = $4 == "none" ? "" : $4 == "choice" ? " Ar " $5 : " Ar " $6
	line = "Fl \\-" o v
	optline[++nopt] = $7 == "required" ? "." line : ".Op " line
}
END { flush() }'
