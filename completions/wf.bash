# bash completion for Workform: wf and every wf-* tool.        -*- shell-script -*-
#
# Nothing here names a subcommand or an option.  Each binary prints its own
# command table with `PROG --commands` (print_spec() in cmd/cli.c), and keys
# from the database with `PROG --complete KIND PREFIX` (libwf/wf_complete.h),
# so a new subcommand, option or binary completes without a change here.
#
# The same file is installed under every binary's name (bash-completion
# loads completions/NAME for command NAME); it registers one function for
# all of them, and for the name it was loaded under.

declare -gA _wf_specs=()
declare -g _wf_parsed=
declare -ga _wf_cmd_names _wf_cmd_args _wf_cmd_kinds
declare -ga _wf_opt_cmds _wf_opt_names _wf_opt_kinds _wf_opt_choices _wf_opt_metas

# Read the command table of PROG into the arrays: commands (name, args,
# operand kinds) and options (command, name, kind, choices, meta).  The
# table is cached for the session, the parsed arrays for the last PROG.
# Returns 1 when PROG does not answer --commands with a table.
_wf_parse() {
	local prog=$1 out t a b c d e us=$'\x1f'
	if [[ -z ${_wf_specs[$prog]+set} ]]; then
		out=$(command "$prog" --commands 2>/dev/null </dev/null)
		[[ $out == cmd$'\t'* ]] || out=
		_wf_specs[$prog]=$out
	fi
	[[ -n ${_wf_specs[$prog]} ]] || return 1
	[[ $_wf_parsed == "$prog" ]] && return 0
	_wf_cmd_names=() _wf_cmd_args=() _wf_cmd_kinds=()
	_wf_opt_cmds=() _wf_opt_names=() _wf_opt_kinds=() _wf_opt_choices=() _wf_opt_metas=()
	# Tab is IFS white space, so read would merge empty fields: split at
	# unit separators instead.
	while IFS=$us read -r t a b c d e _; do
		case $t in
		cmd) _wf_cmd_names+=("$a") _wf_cmd_args+=("$b") _wf_cmd_kinds+=("$c") ;;
		opt) _wf_opt_cmds+=("$a") _wf_opt_names+=("$b") _wf_opt_kinds+=("$c")
		     _wf_opt_choices+=("$d") _wf_opt_metas+=("$e") ;;
		esac
	done <<<"${_wf_specs[$prog]//$'\t'/$us}"
	_wf_parsed=$prog
}

# Option NAME ("--since") of command CMD (or of any command when CMD is
# "*"): sets _wf_ok (kind) and _wf_och (choices); returns 1 if unknown.
_wf_opt() {
	local i
	for i in "${!_wf_opt_names[@]}"; do
		if [[ ${_wf_opt_names[i]} == "$2" && ($1 == '*' || ${_wf_opt_cmds[i]} == "$1") ]]; then
			_wf_ok=${_wf_opt_kinds[i]} _wf_och=${_wf_opt_choices[i]}
			return 0
		fi
	done
	_wf_ok= _wf_och=
	return 1
}

# Add the arguments that start with _wf_vcur to the candidates, each behind
# _wf_vpre (the "--option=" of an --option=value word), each once.
_wf_add() {
	local c
	for c; do
		[[ $c == "$_wf_vcur"* && -z ${_wf_seen[$c]+set} ]] || continue
		_wf_seen[$c]=1
		_wf_c+=("$_wf_vpre$c")
	done
}

# The directory wf runs its tools from: the one PROG is in.
_wf_dir() {
	local p=$1
	[[ $p == */* ]] || p=$(type -P -- "$p")
	[[ $p == */* ]] && _wf_tooldir=${p%/*} || _wf_tooldir=
}

# The tools `wf TOOL` can run: wf-* beside PROG and on $PATH.
_wf_tools() {
	local d f n
	local -A seen=()
	local -a dirs
	_wf_dir "$1"
	IFS=: read -ra dirs <<<"$PATH"
	for d in "$_wf_tooldir" "${dirs[@]}"; do
		[[ -n $d ]] || continue
		for f in "$d"/wf-*; do
			n=${f##*/wf-}
			[[ -f $f && -x $f && -z ${seen[$n]+set} ]] || continue
			seen[$n]=1
			_wf_add "$n"
		done
	done
}

# Values of KIND (CHOICES for kind choice) for PROG.
_wf_values() {
	local prog=$1 kind=$2 choices=$3 db=$_wf_db c
	local -a v
	case $kind in
	none | text | int | money | time | owner | '') ;;
	choice)
		IFS='|' read -ra v <<<"$choices"
		_wf_add "${v[@]}" ;;
	file)
		# not through _wf_add: compgen expands a leading ~
		_wf_files=1
		c=$(compgen -f -- "$_wf_vcur")
		[[ -n $c ]] && mapfile -t v <<<"$c"
		for c in "${v[@]}"; do
			_wf_c+=("$_wf_vpre$c")
		done ;;
	tool)
		_wf_tools "$prog" ;;
	*)
		[[ $db == '~/'* ]] && db=$HOME/${db#'~/'}
		# Filtered by the prefix already, and maybe many thousand: no
		# loop, and no mapfile from a pipe (it reads a byte at a time).
		c=$(command "$prog" ${db:+--db "$db"} --complete "$kind" "$_wf_vcur" \
		    2>/dev/null </dev/null)
		[[ -n $c ]] && mapfile -t v <<<"$c"
		_wf_c+=("${v[@]/#/$_wf_vpre}") ;;
	esac
}

# The candidates for the word _wf_cur, when PROG's arguments before it are
# WORD...: into _wf_c.  The steps follow cli_main(): shared options, then
# the longest command whose words match, then its options and operands.
_wf_cands() {
	local prog=$1
	shift
	local -a w=("$@") rest cont=()
	local n=$# i=0 j k m a nm s best=-1 bestn=0 dflt=-1 cmd nops=0 dd=0
	local -a kinds
	local -A used=()
	_wf_db=
	_wf_parse "$prog" || return

	# Shared options before the command: take_globals() in cmd/cli.c.
	while ((i < n)); do
		a=${w[i]}
		case $a in
		--db | --actor | --format)
			used[$a]=1
			if ((i + 1 == n)); then
				_wf_opt '*' "$a" && _wf_values "$prog" "$_wf_ok" "$_wf_och"
				return
			fi
			[[ $a == --db ]] && _wf_db=${w[i + 1]}
			((i += 2))
			continue ;;
		--db=* | --actor=* | --format=*)
			used[${a%%=*}]=1
			[[ $a == --db=* ]] && _wf_db=${a#*=} ;;
		--help | -h | --version) used[$a]=1 ;;
		*) break ;;
		esac
		((i++))
	done

	# The command: the longest whose words are the next words (find_cmd()),
	# and the next word of every command the typed words begin.
	rest=("${w[@]:i}")
	k=${#rest[@]}
	s=
	((k)) && printf -v s '%s ' "${rest[@]}"
	for j in "${!_wf_cmd_names[@]}"; do
		nm=${_wf_cmd_names[j]}
		if [[ -z $nm ]]; then
			dflt=$j
			continue
		fi
		a=${nm//[^ ]/}
		m=$((${#a} + 1))
		if ((m <= k)); then
			printf -v a '%s ' "${rest[@]:0:m}"
			if [[ $a == "$nm " ]] && ((m > bestn)); then
				best=$j bestn=$m
			fi
		elif [[ $nm == "$s"* ]]; then
			a=${nm#"$s"}
			cont+=("${a%% *}")
		fi
	done
	if ((best < 0)); then
		# Part of a longer command's name is not the default's operand.
		((k > 0 && ${#cont[@]} > 0)) && dflt=-1
		best=$dflt
	fi
	cmd=
	((best >= 0)) && cmd=${_wf_cmd_names[best]}
	kinds=()
	((best >= 0)) && IFS=, read -ra kinds <<<"${_wf_cmd_kinds[best]}"

	# The command's options and operands so far (getopt_long permutes).
	for ((j = bestn; best >= 0 && j < k; j++)); do
		a=${rest[j]}
		if ((dd)) || [[ $a != -?* ]]; then
			if ((nops == 0)) && [[ ${kinds[0]} == tool ]]; then
				# wf TOOL ARGS: complete as wf-TOOL ARGS (run_tool() in cmd/wf.c)
				_wf_dir "$prog"
				nm=wf-$a
				[[ -n $_wf_tooldir && -x $_wf_tooldir/$nm ]] && nm=$_wf_tooldir/$nm
				_wf_cands "$nm" "${w[@]:0:i}" "${rest[@]:0:j}" "${rest[@]:j+1}"
				return
			fi
			((nops++))
			continue
		fi
		if [[ $a == -- ]]; then
			dd=1
			continue
		fi
		[[ $a == --* ]] || continue
		nm=${a%%=*}
		used[$nm]=1
		[[ $a == --db=* ]] && _wf_db=${a#*=}
		if [[ $a != *=* ]] && _wf_opt "$cmd" "$nm" && [[ $_wf_ok != none ]]; then
			if ((j + 1 == k)); then
				_wf_values "$prog" "$_wf_ok" "$_wf_och"
				return
			fi
			[[ $nm == --db ]] && _wf_db=${rest[j + 1]}
			((j++))
		fi
	done

	if ((!dd)) && [[ $_wf_cur == --*=* ]]; then
		nm=${_wf_cur%%=*}
		_wf_vpre=$nm= _wf_vcur=${_wf_cur#*=}
		if _wf_opt "$cmd" "$nm" || { ((k == 0)) && _wf_opt '*' "$nm"; }; then
			_wf_values "$prog" "$_wf_ok" "$_wf_och"
		fi
		return
	fi
	if ((!dd)) && [[ $_wf_cur == -* ]]; then
		# Before any command word only the shared options (and the default
		# command's) are taken; an option is offered once unless its META
		# ends in "..." (repeatable).
		((k == 0)) && for a in --db --actor --format --help --version; do
			[[ -z ${used[$a]+set} ]] && _wf_add "$a"
		done
		((best < 0)) && return
		for j in "${!_wf_opt_names[@]}"; do
			[[ ${_wf_opt_cmds[j]} == "$cmd" ]] || continue
			a=${_wf_opt_names[j]}
			[[ -z ${used[$a]+set} || ${_wf_opt_metas[j]} == *... ]] && _wf_add "$a"
		done
		return
	fi
	_wf_add "${cont[@]}"
	((best < 0)) && return
	# The operand's kind; the last one repeats when ARGS ends in "...".
	if ((nops < ${#kinds[@]})); then
		_wf_values "$prog" "${kinds[nops]}"
	elif ((${#kinds[@]})) && [[ ${_wf_cmd_args[best]} == *...* ]]; then
		_wf_values "$prog" "${kinds[-1]}"
	fi
}

# COMP_WORDS is split at COMP_WORDBREAKS too (shop:1001 is three words,
# --since=T three); join what touches in COMP_LINE back into one word.
# _wf_pre is the part of the current word that readline keeps: up to and
# including its last ':' or '=' when bash split there.
_wf_words() {
	local line=${COMP_LINE:0:COMP_POINT} tok ws i
	_wf_w=() _wf_pre=
	for ((i = 0; i <= COMP_CWORD && i < ${#COMP_WORDS[@]}; i++)); do
		tok=${COMP_WORDS[i]}
		ws=${line%%[![:space:]]*}
		line=${line:${#ws}}
		if ((i == COMP_CWORD)); then
			tok=$line
		elif [[ $line == "$tok"* ]]; then
			line=${line:${#tok}}
		fi
		if ((i > 0)) && [[ -z $ws ]] && [[ $tok == [:=]* || ${_wf_w[-1]} == *[:=] ]]; then
			if ((i == COMP_CWORD)); then
				_wf_pre=${_wf_w[-1]}
				[[ $tok == *[!:=]* ]] || _wf_pre+=$tok
			fi
			_wf_w[-1]+=$tok
		else
			_wf_w+=("$tok")
		fi
	done
	((COMP_CWORD < ${#COMP_WORDS[@]})) || _wf_w+=("")
}

_wf() {
	local _wf_cur _wf_pre _wf_vpre= _wf_vcur _wf_files=0 _wf_db _wf_tooldir
	local _wf_ok _wf_och c prog
	local -a _wf_w _wf_c=()
	local -A _wf_seen=()
	COMPREPLY=()
	_wf_words
	_wf_cur=${_wf_w[-1]}
	_wf_vcur=$_wf_cur
	prog=${_wf_w[0]}
	[[ $prog == '~/'* ]] && prog=$HOME/${prog#'~/'}
	_wf_cands "$prog" "${_wf_w[@]:1:${#_wf_w[@]}-2}"
	if [[ -n $_wf_pre ]]; then
		COMPREPLY=("${_wf_c[@]#"$_wf_pre"}")
	else
		COMPREPLY=("${_wf_c[@]}")
	fi
	if ((_wf_files)); then
		compopt -o filenames 2>/dev/null
		return 0
	fi
	# Quote what the shell would split or expand; whole-array operations
	# first, as a database can give many thousand values.
	local IFS=$'\n'
	[[ ${COMPREPLY[*]} == *[^-A-Za-z0-9_./:=@,+%^$'\n']* ]] || return 0
	printf -v c '%q\n' "${COMPREPLY[@]}"
	mapfile -t COMPREPLY <<<"${c%$'\n'}"
	return 0
}

complete -F _wf wf wf-stock wf-order wf-route wf-alert wf-po wf-reconcile
if [[ ${BASH_SOURCE[0]##*/} =~ ^wf-[A-Za-z0-9_-]+$ ]]; then
	complete -F _wf "${BASH_SOURCE[0]##*/}"
fi
