#!/usr/bin/env zsh
# zcomplete.zsh DIR LINE: the matches zsh's completion system offers for
# LINE (the cursor at its end) with the completion functions in DIR, one a
# line, sorted.  It types LINE and a tab into an interactive zsh on a pseudo
# terminal and records what reaches compadd.  $ZCOMPDUMP names a compinit
# dump to reuse (the first compinit of a fresh dump takes seconds).
emulate -L zsh
zmodload zsh/zpty || exit 2
dir=$1 line=$2
tmp=$(mktemp -d) || exit 2
dump=${ZCOMPDUMP:-$tmp/zcompdump}
zpty -b z zsh -f -i
zpty -w z "PS1= RPS1=; unsetopt zle_bracketed_paste 2>/dev/null; fpath=(${(q)dir} \$fpath)"
zpty -w z "autoload -Uz compinit && compinit -u -C -d ${(q)dump}"
zpty -w z "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' menu no"
zpty -w z "compadd() { local -a m; builtin compadd -O m \"\$@\"; print -rl -- \$m >>${(q)tmp}/matches; builtin compadd \"\$@\"; }"
# The markers are printed joined, so the echo of the command cannot match.
zpty -w z "print READY''-''MARK"
zpty -r -m z x '*READY-MARK*' || exit 3
zpty -w -n z "$line"$'\t'
zpty -w z $'\C-u'"print DONE''-''MARK"
zpty -r -m z x '*DONE-MARK*' || exit 3
zpty -d z
[[ -f $tmp/matches ]] && sort -u $tmp/matches
rm -rf $tmp
