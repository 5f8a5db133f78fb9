#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The umbrella header includes the whole public API: every header in include/spiketalk/.
# (That it compiles on its own under -Wall -Werror is checked by every program including it.)
# usage: test-headers.sh PATH/TO/include/spiketalk
dir=$1
fail=0
for h in "$dir"/*.h; do
    name=$(basename "$h")
    [ "$name" = spiketalk.h ] && continue
    grep -q "#include \"spiketalk/$name\"" "$dir/spiketalk.h" || { echo "FAIL: spiketalk.h lacks $name"; fail=1; }
done
echo "headers: every public header is in spiketalk.h: $([ $fail -eq 0 ] && echo yes || echo no)"
exit $fail
