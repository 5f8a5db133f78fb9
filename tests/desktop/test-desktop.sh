#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# spiketalk-gtk as a desktop application: the desktop entry and the AppStream metainfo are
# named for the app id the program registers (src/gui), validate (desktop-file-validate,
# appstreamcli validate --no-net), launch the installed binary, name the icon, and list the
# screenshots in docs/; the icon is an SVG that the image loader renders.
# usage: test-desktop.sh SOURCE-DIR METAINFO (the built one)
set -uo pipefail
SRC=$1 META=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

id=$(sed -n 's/^#define SPIKETALK_APP_ID "\(.*\)"$/\1/p' "$SRC/src/gui/spiketalk-application.h")
[ -n "$id" ] && ok "the app id: $id" || bad "no SPIKETALK_APP_ID in src/gui"
desktop="$SRC/data/$id.desktop"
[ -f "$desktop" ] && ok "desktop entry named for the app id" || bad "no $desktop"
[ "$(basename "$META")" = "$id.metainfo.xml" ] && ok "metainfo named for the app id" ||
    bad "metainfo $(basename "$META")"

if desktop-file-validate "$desktop" >"$T/dfv" 2>&1 && ! grep -qE 'error|warning' "$T/dfv"; then
    ok "desktop-file-validate"
else
    bad "desktop-file-validate: $(cat "$T/dfv")"
fi
grep -qx 'Exec=spiketalk-gtk' "$desktop" && grep -qx "Icon=$id" "$desktop" &&
    ok "Exec and Icon" || bad "Exec/Icon: $(grep -E '^(Exec|Icon)=' "$desktop")"

if appstreamcli validate --no-net "$META" >"$T/asv" 2>&1; then
    ok "appstreamcli validate --no-net"
else
    bad "appstreamcli: $(cat "$T/asv")"
fi
grep -q "<id>$id</id>" "$META" && grep -q "<launchable type=\"desktop-id\">$id.desktop<" "$META" &&
    ok "metainfo: id and launchable" || bad "metainfo id/launchable"
shots=$(sed -n 's|.*<image>.*/docs/\([^<]*\)</image>.*|\1|p' "$META")
count=0
for s in $shots; do
    count=$((count + 1))
    [ -f "$SRC/docs/$s" ] || bad "screenshot $s is not in docs/"
done
[ "$count" -ge 4 ] && ok "$count screenshots, each in docs/" || bad "screenshots: '$shots'"

svg="$SRC/data/icons/$id.svg"
head -c 200 "$svg" | grep -q '<svg\|<?xml' && ok "icon is SVG" || bad "icon: $svg"
/usr/bin/python3 - "$svg" <<'PY' && ok "the icon is well-formed and renders at 128 px" ||
    bad "the icon does not render"
import sys
import xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])            # well-formed XML
svg = doc.documentElement
assert svg.tagName == "svg" and svg.getAttribute("viewBox") == "0 0 128 128", svg.tagName
try:
    import gi
    gi.require_version("GdkPixbuf", "2.0")
    from gi.repository import GdkPixbuf
except (ImportError, ValueError):
    sys.exit(0)                                      # no image loader here: XML checked
p = GdkPixbuf.Pixbuf.new_from_file_at_size(sys.argv[1], 128, 128)
assert p.get_width() == 128 and p.get_height() == 128
PY
echo "1..$n"
[ $failed = 0 ]
