#!/usr/bin/env bash
# Times `sar bundle` for the large generated care-leaver file (20,000 records, 500 PDFs of 20
# pages), after `sar run`, a reviewer's approve-all and a second person's sign-off, with peak
# memory. Usage:
#   cargo build --release && scripts/bench-bundle.sh [WORKDIR]
# WORKDIR may hold a file prepared by scripts/bench-large-file.sh (WORKDIR/f1); otherwise it is made.
set -euo pipefail
S="$(cd "$(dirname "$0")/.." && pwd)/target/release/sar"
W="${1:-$(mktemp -d)}"
d="$W/f1"
if [ ! -f "$d/sar-data/sar.db" ]; then
  rm -rf "$d"; mkdir -p "$d"
  "$S" generate --people 60 --records 20000 --documents 500 --pages-per-document 20 \
      --care-leaver --out "$d/export" >/dev/null 2>&1
  subject=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['subject']['id'])" "$d/export/generator.json")
  (cd "$d" && "$S" init >/dev/null && "$S" import export >/dev/null)
  (cd "$d" && "$S" request new --subject "$subject" --received 2026-11-25 --care-leaver >/dev/null)
  (cd "$d" && "$S" run SAR-2026-0001 --json >/dev/null 2>&1)
fi
(cd "$d" && "$S" review approve-all SAR-2026-0001 --reviewer bench.reviewer >/dev/null \
  && "$S" review sign-off SAR-2026-0001 --approver bench.approver >/dev/null) || true
rm -rf "$d/bundle"
/usr/bin/time -f '%e %U %S %M' -o "$d/bundle.time" sh -c "cd '$d' && '$S' bundle SAR-2026-0001 --out bundle --json > bundle.json"
read -r wall user sys rss < "$d/bundle.time"
python3 - "$d/bundle.json" "$wall" "$user" "$sys" "$rss" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
wall, user, sys_, rss = sys.argv[2:]
print(f"pages {s['pages']} in {s['volumes']} volumes; records {s['records_included']} included, "
      f"{s['records_in_schedule']} in the schedule; redactions {s['redactions']}")
print(f"bundle: wall {wall} s, cpu {float(user)+float(sys_):.1f} s, peak RSS {int(rss)//1024} MB, "
      f"{s['pages']/float(wall):.0f} pages/s")
PY
