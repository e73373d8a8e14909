#!/usr/bin/env bash
# Times the large generated care-leaver file from import to review-ready, at 1/4, 1/2 and the
# whole file (20,000 records, 500 PDFs of 20 pages), with peak memory. Usage:
#   cargo build --release && scripts/bench-large-file.sh [WORKDIR]
set -euo pipefail
S="$(cd "$(dirname "$0")/.." && pwd)/target/release/sar"
W="${1:-$(mktemp -d)}"
printf '%-8s %8s %6s %7s %10s %9s %10s %12s\n' size records pdfs pages import_s run_s total_s peak_rss_MB
for frac in 4 2 1; do
  records=$((20000 / frac)); docs=$((500 / frac))
  d="$W/f$frac"; rm -rf "$d"; mkdir -p "$d"
  "$S" generate --people 60 --records "$records" --documents "$docs" --pages-per-document 20 \
      --care-leaver --out "$d/export" >/dev/null 2>&1
  subject=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['subject']['id'])" "$d/export/generator.json")
  (cd "$d" && "$S" init >/dev/null)
  /usr/bin/time -f '%e %M' -o "$d/import.time" sh -c "cd '$d' && '$S' import export >/dev/null"
  (cd "$d" && "$S" request new --subject "$subject" --received 2026-11-25 --care-leaver >/dev/null)
  /usr/bin/time -f '%e %M' -o "$d/run.time" sh -c "cd '$d' && '$S' run SAR-2026-0001 --json >/dev/null 2>&1"
  read -r it im < "$d/import.time"; read -r rt rm < "$d/run.time"
  peak=$(( (im > rm ? im : rm) / 1024 ))
  printf '%-8s %8d %6d %7d %10.1f %9.1f %10.1f %12d\n' "1/$frac" "$records" "$docs" $((docs * 20)) "$it" "$rt" \
      "$(echo "$it + $rt" | bc)" "$peak"
done
