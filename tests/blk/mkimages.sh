#!/bin/sh
# Makes the partitioned disk images the block layer's tests parse, with the host's sfdisk:
#   mbr.img  2 MiB, 3 primary partitions, one of them extended with 3 logical partitions
#   gpt.img  2 MiB GPT, 5 partitions with names and fixed GUIDs (entry 4 unused)
#   many.img 4 MiB GPT with 8192 entries, 300 of them used (one sector each): more than the
#            kernel's 128, so one warning per extra entry unless they are rate-limited
# and, as the oracle, <img>.json (sfdisk --json) and <img>.parts: "number start size" lines.
# Usage: mkimages.sh OUTDIR
set -eu
here=$(dirname "$0")
out=$1
mkdir -p "$out"
command -v sfdisk >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
for kind in mbr gpt; do
	img=$out/$kind.img
	rm -f "$img"
	truncate -s 2M "$img"
	# sfdisk names partitions after the image: "img1" in the script becomes "$img1".
	sed "s|^img|$img|" "$here/$kind.sfdisk" | sfdisk -q "$img" >/dev/null
	sfdisk --json "$img" > "$img.json"
	/usr/bin/python3 -c '
import json, re, sys
table = json.load(open(sys.argv[1]))["partitiontable"]
for p in table["partitions"]:
    number = re.search(r"(\d+)$", p["node"]).group(1)
    print(number, p["start"], p["size"])
' "$img.json" > "$img.parts"
done

img=$out/many.img
rm -f "$img"
truncate -s 4M "$img"
{
	printf 'label: gpt\ntable-length: 8192\nfirst-lba: 2100\n'
	i=0
	while [ $i -lt 300 ]; do
		echo "start=$((2100 + i)), size=1"
		i=$((i + 1))
	done
} | sfdisk -q "$img" >/dev/null
