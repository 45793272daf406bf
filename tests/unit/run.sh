#!/bin/sh
# Runs host unit test programs and totals their "N passed, M failed" lines. A program that is
# missing (did not build), crashes (ASan/UBSan abort) or exits non-zero counts as failed.
# Usage: run.sh BUILD/unit/test_a BUILD/unit/test_b ...
set -u

checks_ok=0 checks_bad=0 progs=0 progs_bad=0
for prog in "$@"; do
	progs=$((progs + 1))
	name=$(basename "$prog")
	if [ ! -x "$prog" ]; then
		echo "  FAIL  $name: did not build"
		progs_bad=$((progs_bad + 1)) checks_bad=$((checks_bad + 1))
		continue
	fi
	out=$("$prog" 2>&1)
	status=$?
	last=$(printf '%s\n' "$out" | tail -n 1)
	ok=$(printf '%s\n' "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p')
	bad=$(printf '%s\n' "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p')
	if [ -z "$ok" ]; then
		ok=0 bad=1 last="no summary line (crashed?)"
	fi
	checks_ok=$((checks_ok + ok)) checks_bad=$((checks_bad + bad))
	if [ "$status" -ne 0 ] || [ "$bad" -ne 0 ]; then
		[ "$bad" -eq 0 ] && checks_bad=$((checks_bad + 1))
		progs_bad=$((progs_bad + 1))
		printf '%s\n' "$out" | sed 's/^/        /'
		echo "  FAIL  $name: $last (exit status $status)"
	else
		echo "  ok    $name: $last"
	fi
done
echo "unit: $checks_ok passed, $checks_bad failed ($((progs - progs_bad)) of $progs test programs ok)"
[ "$progs_bad" -eq 0 ]
