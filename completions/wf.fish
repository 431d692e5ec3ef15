# fish completion for Workform: wf and every wf-* tool.
#
# Nothing here names a subcommand or an option.  Each binary prints its own
# command table with `PROG --commands` (print_spec() in cmd/cli.c), and keys
# from the database with `PROG --complete KIND PREFIX` (libwf/wf_complete.h),
# so a new subcommand or option completes without a change here.  The logic
# is the one of completions/wf.bash; the two are tested alike.
#
# The same file is installed as NAME.fish for every binary (fish loads
# completions on demand by command name); it registers all the names, and
# the one it was loaded as.

# The command table of PROG, one line each: cached for the session, and
# empty when PROG does not answer --commands with one.
function __wf_spec --argument-names prog
    set -l var __wf_spec_(string escape --style=var -- $prog)
    if not set -q $var
        set -l out (command $prog --commands 2>/dev/null </dev/null)
        string match -q -- 'cmd'\t'*' $out[1]; or set out
        set -g $var $out
    end
    string join \n -- $$var
end

# The directory wf runs its tools from: the one PROG is in.
function __wf_dir --argument-names prog
    set -l p $prog
    string match -q -- '*/*' $p; or set p (command -s -- $p)
    string match -q -- '*/*' $p; and string replace -r '/[^/]*$' '' -- $p
end

# Values of KIND (CHOICES for kind choice) starting with VCUR, each behind
# VPRE (the "--option=" of an --option=value word).
function __wf_values --argument-names prog kind choices db vpre vcur
    switch $kind
        case choice
            for v in (string split '|' -- $choices)
                printf '%s%s\n' $vpre $v
            end
        case file
            for v in (__fish_complete_path $vcur)
                printf '%s%s\n' $vpre $v
            end
        case tool
            set -l dirs (__wf_dir $prog) $PATH
            set -l seen
            for d in $dirs
                for f in $d/wf-*
                    set -l n (string replace -r '.*/wf-' '' -- $f)
                    if test -f $f -a -x $f; and not contains -- $n $seen
                        set -a seen $n
                        printf '%s\ttool\n' $n
                    end
                end
            end
        case none text int money time owner ''
        case '*'
            string match -q -- '~/*' $db; and set db $HOME/(string sub -s 3 -- $db)
            set -l dbopt
            test -n "$db"; and set dbopt --db $db
            # maybe many thousand values, already filtered: no loop
            command $prog $dbopt --complete $kind $vcur 2>/dev/null </dev/null |
                string replace -r -- "^" $vpre  # VPRE is "--name=": nothing to escape
    end
end

# The candidates for the word CUR when PROG's arguments before it are
# WORD..., one a line ("candidate<TAB>description").  The steps follow
# cli_main(): shared options, then the longest command whose words match,
# then its options and operands.
function __wf_cands --argument-names prog cur
    set -l w $argv[3..-1]
    set -l n (count $w)
    set -l spec (__wf_spec $prog)
    test -n "$spec"; or return
    set -l names
    set -l cargs
    set -l ckinds
    set -l helps
    set -l ocmd
    set -l oname
    set -l okind
    set -l ochoice
    set -l ometa
    for line in $spec
        set -l f (string split \t -- $line)
        switch $f[1]
            case cmd
                set -a names $f[2]
                set -a cargs $f[3]
                set -a ckinds $f[4]
                set -a helps $f[5]
            case opt
                set -a ocmd $f[2]
                set -a oname $f[3]
                set -a okind $f[4]
                set -a ochoice $f[5]
                set -a ometa $f[6]
        end
    end
    set -l db
    set -l used

    # Shared options before the command: take_globals() in cmd/cli.c.
    set -l i 1
    while test $i -le $n
        set -l a $w[$i]
        switch $a
            case --db --actor --format
                set -a used $a
                if test $i -eq $n
                    set -l j (contains -i -- $a $oname)
                    and __wf_values $prog $okind[$j] $ochoice[$j] "$db" '' $cur
                    return
                end
                test $a = --db; and set db $w[(math $i + 1)]
                set i (math $i + 2)
                continue
            case '--db=*' '--actor=*' '--format=*'
                set -a used (string split -m1 = -- $a)[1]
                string match -q -- '--db=*' $a; and set db (string sub -s 6 -- $a)
            case --help -h --version
                set -a used $a
            case '*'
                break
        end
        set i (math $i + 1)
    end

    # The command: the longest whose words are the next words (find_cmd()),
    # and the next word of every command the typed words begin.
    set -l rest
    test $i -le $n; and set rest $w[$i..-1]
    set -l globals_end (math $i - 1)
    set -l k (count $rest)
    set -l s ''
    test $k -gt 0; and set s (string join ' ' -- $rest)' '
    set -l best 0
    set -l bestn 0
    set -l dflt 0
    set -l cont
    for j in (seq (count $names))
        set -l nm $names[$j]
        if test -z "$nm"
            set dflt $j
            continue
        end
        set -l nw (string split ' ' -- $nm)
        set -l m (count $nw)
        if test $m -le $k
            set -l typed (string join ' ' -- $rest[1..$m])
            if test "$typed" = "$nm" -a $m -gt $bestn
                set best $j
                set bestn $m
            end
        else if string match -q -- "$s*" $nm
            set -l next $nw[(math $k + 1)]
            set -l desc 'command'
            test $m -eq (math $k + 1); and set desc $helps[$j]
            contains -- $next $cont; or begin
                set -a cont $next
                printf '%s\t%s\n' $next $desc
            end
        end
    end
    if test $best -eq 0
        # Part of a longer command's name is not the default's operand.
        test $k -gt 0 -a (count $cont) -gt 0; and set dflt 0
        set best $dflt
    end
    set -l cmd ''
    set -l kinds
    if test $best -gt 0
        set cmd $names[$best]
        test -n "$ckinds[$best]"; and set kinds (string split , -- $ckinds[$best])
    end

    # The command's options and operands so far (getopt_long permutes).
    set -l nops 0
    set -l dd 0
    set -l j (math $bestn + 1)
    while test $best -gt 0 -a $j -le $k
        set -l a $rest[$j]
        if test $dd -eq 1; or not string match -q -- '-?*' $a
            if test $nops -eq 0; and test "$kinds[1]" = tool
                # wf TOOL ARGS: complete as wf-TOOL ARGS (run_tool() in cmd/wf.c)
                set -l tool wf-$a
                set -l dir (__wf_dir $prog)
                test -n "$dir" -a -x "$dir/$tool"; and set tool $dir/$tool
                set -l args
                test $globals_end -ge 1; and set -a args $w[1..$globals_end]
                test $j -ge 2; and set -a args $rest[1..(math $j - 1)]
                test $j -lt $k; and set -a args $rest[(math $j + 1)..-1]
                __wf_cands $tool $cur $args
                return
            end
            set nops (math $nops + 1)
            set j (math $j + 1)
            continue
        end
        if test $a = --
            set dd 1
            set j (math $j + 1)
            continue
        end
        if string match -q -- '--*' $a
            set -l nm (string split -m1 = -- $a)[1]
            set -a used $nm
            string match -q -- '--db=*' $a; and set db (string sub -s 6 -- $a)
            if not string match -q -- '*=*' $a
                set -l o (__wf_opt_index "$cmd" $nm $ocmd $oname)
                if test -n "$o"; and test "$okind[$o]" != none
                    if test $j -eq $k
                        __wf_values $prog $okind[$o] "$ochoice[$o]" "$db" '' $cur
                        return
                    end
                    test $nm = --db; and set db $rest[(math $j + 1)]
                    set j (math $j + 1)
                end
            end
        end
        set j (math $j + 1)
    end

    if test $dd -eq 0; and string match -q -- '--*=*' $cur
        set -l nm (string split -m1 = -- $cur)[1]
        set -l o (__wf_opt_index "$cmd" $nm $ocmd $oname)
        test -z "$o" -a $k -eq 0; and set o (contains -i -- $nm $oname)
        test -n "$o"; and __wf_values $prog $okind[$o] "$ochoice[$o]" "$db" $nm= (string sub -s (math (string length -- $nm) + 2) -- $cur)
        return
    end
    if test $dd -eq 0; and string match -q -- '-*' $cur
        # Before any command word only the shared options (and the default
        # command's) are taken; an option is offered once unless its META
        # ends in "..." (repeatable).
        set -l offered
        if test $k -eq 0
            for a in --db --actor --format --help --version
                contains -- $a $used; and continue
                set -a offered $a
                printf '%s\toption\n' $a
            end
        end
        test $best -gt 0; or return
        for o in (seq (count $oname))
            test "$ocmd[$o]" = "$cmd"; or continue
            contains -- $oname[$o] $offered; and continue
            if not contains -- $oname[$o] $used; or string match -q -- '*...' $ometa[$o]
                set -l desc $ometa[$o]
                test -n "$desc"; or set desc option
                printf '%s\t%s\n' $oname[$o] $desc
            end
        end
        return
    end
    test $best -gt 0; or return
    # The operand's kind; the last one repeats when ARGS ends in "...".
    set -l nk (count $kinds)
    if test $nops -lt $nk
        __wf_values $prog $kinds[(math $nops + 1)] '' "$db" '' $cur
    else if test $nk -gt 0; and string match -q -- '*...*' $cargs[$best]
        __wf_values $prog $kinds[-1] '' "$db" '' $cur
    end
end

# The index of option NAME of command CMD among the option lines, if any.
function __wf_opt_index --argument-names cmd name
    set -l rest $argv[3..-1]
    set -l half (math (count $rest) / 2)
    test $half -gt 0; or return
    set -l cmds $rest[1..$half]
    set -l names $rest[(math $half + 1)..-1]
    for i in (seq $half)
        if test "$cmds[$i]" = "$cmd" -a "$names[$i]" = "$name"
            echo $i
            return
        end
    end
end

function __wf_complete
    set -l toks (commandline -opc)
    set -l prog $toks[1]
    string match -q -- '~/*' $prog; and set prog $HOME/(string sub -s 3 -- $prog)
    __wf_cands $prog (commandline -ct) $toks[2..-1]
end

for name in wf wf-stock wf-order wf-route wf-alert wf-po wf-reconcile \
        (string match -r -- '^wf-[A-Za-z0-9_-]+$' (basename (status filename) .fish))
    complete -c $name -e
    complete -c $name -f -a '(__wf_complete)'
end
