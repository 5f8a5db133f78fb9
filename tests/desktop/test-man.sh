#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The man pages: one per subcommand that `spiketalk --help` lists, plus spiketalk(1); each
# renders with groff without a warning, and every option its command's --help names appears
# in the rendered page. With SPIKETALK-GTK and its page, the same for the app's page.
# usage: test-man.sh SPIKETALK MAN-DIR [SPIKETALK-GTK GTK-PAGE]
set -uo pipefail
ST=$1 MAN=$2
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

# the options a help text names: -x or --word, not inside a word, a path or a number
options() {
    grep -oE -- '(^|[^[:alnum:]_/-])--?[[:alpha:]][[:alnum:]_-]*' | sed 's/^[^-]*//' | sort -u
}

commands=$("$ST" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$commands" ] && ok "commands: $(echo $commands)" || bad "no commands in spiketalk --help"
for c in "" $commands; do
    page="$MAN/spiketalk${c:+-$c}.1"
    name="spiketalk${c:+ $c}"
    if [ ! -f "$page" ]; then
        bad "$name: no page $page"
        continue
    fi
    warn=$(groff -k -man -ww -z "$page" 2>&1)
    [ -z "$warn" ] && ok "$name: groff renders the page without a warning" ||
        bad "$name: groff: $warn"
    text=$(groff -k -man -Tascii -P-cbou "$page" 2>/dev/null)
    missing=""
    count=0
    for o in $("$ST" $c --help | options); do
        count=$((count + 1))
        grep -qE -- "(^|[^[:alnum:]_-])$o([^[:alnum:]_-]|\$)" <<<"$text" || missing="$missing $o"
    done
    [ -z "$missing" ] && [ "$count" -gt 0 -o -z "$c" ] &&
        ok "$name: all $count options of --help are in the page" ||
        bad "$name: missing from the page:$missing"
    grep -qx NAME <<<"$text" && grep -qx SYNOPSIS <<<"$text" &&
        grep -qx DESCRIPTION <<<"$text" && grep -qE "^ +spiketalk${c:+-$c} - [a-z]" <<<"$text" &&
        ok "$name: NAME (with its summary), SYNOPSIS, DESCRIPTION" || bad "$name: sections"
done

# the app's page (help2man from its GLib --help)
if [ $# -ge 4 ]; then
    GTK=$3 page=$4
    warn=$(groff -k -man -ww -z "$page" 2>&1)
    [ -f "$page" ] && [ -z "$warn" ] && ok "spiketalk-gtk: groff renders the page without a warning" ||
        bad "spiketalk-gtk: $page: ${warn:-missing}"
    text=$(groff -k -man -Tascii -P-cbou "$page" 2>/dev/null)
    missing=""
    count=0
    for o in $(LC_ALL=C.UTF-8 "$GTK" --help | options); do
        count=$((count + 1))
        grep -qE -- "(^|[^[:alnum:]_-])$o([^[:alnum:]_-]|\$)" <<<"$text" || missing="$missing $o"
    done
    [ -z "$missing" ] && [ "$count" -ge 5 ] &&
        ok "spiketalk-gtk: all $count options of --help are in the page" ||
        bad "spiketalk-gtk: missing from the page:$missing ($count options)"
    grep -qE "^ +spiketalk-gtk +- [a-z]" <<<"$text" && grep -q -- "--page=PAGE" <<<"$text" &&
        ok "spiketalk-gtk: NAME with its summary, the app's options" || bad "spiketalk-gtk: sections"
fi
echo "1..$n"
[ $failed = 0 ]
