#!/bin/sh
# Writes the boot image's grub.cfg: TEMPLATE with @CMDLINE@ replaced by the kernel command line
# taken from $KEEL_CMDLINE (the environment, so no shell or make quoting gets in the way).
# Each word goes in single quotes, so GRUB's script parser takes $, `, ;, #, |, &, { } and the
# rest literally. GRUB's multiboot2 command then re-quotes what it hands the kernel (" ' and \
# become \" \' \\), so those cannot arrive as typed, and a newline or other control character
# would end or garble GRUB's command: all of these are refused with the reason.
# Blanks only separate words: runs of them reach the kernel as one space.
# Usage: KEEL_CMDLINE='...' grubcfg.sh TEMPLATE OUTPUT
set -eu
template=$1 out=$2
cmdline=${KEEL_CMDLINE:-}

refuse() {
	printf 'grub.cfg: CMDLINE contains %s, which GRUB %s; remove it\n' "$1" "$2" >&2
	exit 1
}

case $cmdline in
*'"'*) refuse 'a double quote (")' 'would pass to the kernel as \"' ;;
*"'"*) refuse "a single quote (')" "would pass to the kernel as \\'" ;;
*'\'*) refuse 'a backslash (\)' 'would pass to the kernel as \\' ;;
*'
'*) refuse 'a newline' 'would take as the end of the multiboot2 command' ;;
*[[:cntrl:]]*) refuse 'a control character (tab, escape...)' 'cannot pass on as typed' ;;
esac

quoted=
set -f
for word in $cmdline; do
	quoted="$quoted '$word'"
done
quoted=${quoted# }

while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	*@CMDLINE@*) line="${line%%@CMDLINE@*}$quoted${line#*@CMDLINE@}" ;;
	esac
	printf '%s\n' "$line"
done < "$template" > "$out.tmp"
# Unchanged content keeps its timestamp, so the ISO is not rebuilt for nothing.
if cmp -s "$out.tmp" "$out"; then rm "$out.tmp"; else mv "$out.tmp" "$out"; fi
