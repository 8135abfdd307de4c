#!/usr/bin/env bash
# The desk in a real browser (issue 15): starts `kaoping serve` on a free port with a new
# register, uploads Samples/ with curl, then headless Chromium loads a unit's page and the list:
# every finding's cell of the unit's latest round (from the upload answers, not from the page)
# must be a `data-cell` in the DOM, and every unit a row of the list (drawn by the page's JS).
# Screenshots: docs/desk-unit.png, docs/desk.png. Installs Debian's chromium (and CJK fonts) when missing.
#   scripts/browser-test.sh [BIN_DIR]      (default .build/debug: kaoping and kaoping-desk)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug}
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v curl >/dev/null 2>&1 || need+=(curl)
[ -n "$(fc-list 'Noto Sans CJK SC' family 2>/dev/null)" ] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "browser-test: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/kaoping" serve --db "$work/k.db" --port "$port" --templates Templates >"$work/serve.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -sf "$base/api/status" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$base/api/status" >/dev/null || { echo "FAIL browser-test: the desk did not start"; cat "$work/serve.log"; exit 1; }
i=0
for f in Samples/*.xlsx; do
  i=$((i + 1))
  name=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$(basename "$f")")
  code=$(curl -s -o "$work/up-$i.json" -w '%{http_code}' --data-binary @"$f" "$base/api/submissions?name=$name")
  case $code in 200|201|422) ;; *) echo "FAIL browser-test: upload of $f answered $code"; exit 1 ;; esac
done
curl -sf "$base/api/status" >"$work/status.json"
unit=泉州市城市管理局
enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$unit")
export HOME="$work"   # chromium's profile and crash files stay in the temporary folder
chrome() { chromium --headless --disable-gpu --no-sandbox --user-data-dir="$work/chrome" --hide-scrollbars \
                    --virtual-time-budget=5000 "$@" 2>>"$work/chrome.log"; }
chrome --dump-dom "$base/units/$enc" >"$work/unit.html"
chrome --dump-dom "$base/" >"$work/list.html"
mkdir -p docs
chrome --window-size=1500,950 --screenshot="$PWD/docs/desk-unit.png" "$base/units/$enc" >/dev/null
chrome --window-size=1300,700 --screenshot="$PWD/docs/desk.png" "$base/" >/dev/null
python3 - "$work" "$unit" <<'PY'
import glob, json, re, sys
work, unit = sys.argv[1], sys.argv[2]
status = json.load(open(f"{work}/status.json"))
ups = [json.load(open(p)) for p in glob.glob(f"{work}/up-*.json")]
by_sha = {u.get("sha256"): u for u in ups}
u = next(x for x in status["units"] if x["unit"] == unit)
latest = by_sha[u["rounds"][-1]["sha256"]]
want = set()
for f in latest["findings"]:
    if f.get("cell"):
        m = re.match(r"\$?([A-Z]+)\$?(\d+)", f["cell"])
        if m: want.add(m.group(1) + m.group(2))
def page(p):  # the DOM without the scripts' own text
    return re.sub(r"<script>.*?</script>", "", open(p, encoding="utf-8").read(), flags=re.S)
dom = page(f"{work}/unit.html")
have = set(re.findall(r'data-cell="([A-Z]+\d+)"', dom))
marked = set(re.findall(r'<td[^>]*data-cell="([A-Z]+\d+)"[^>]*class="[^"]*sev-', dom)) | set(re.findall(r'<td[^>]*class="[^"]*sev-[^"]*"[^>]*data-cell="([A-Z]+\d+)"', dom))
missing = sorted(want - have)
errors = []
if not want: errors.append("the unit's latest round has no finding with a cell")
if missing: errors.append(f"cells not in the DOM: {missing}")
if "<table class=\"grid\"" not in dom: errors.append("no sheet table")
if not marked: errors.append("no cell carries a severity class")
lst = page(f"{work}/list.html")
rows = set(re.findall(r'<tr data-unit="([^"]+)"', lst))
names = {x["unit"] for x in status["units"]}
if rows != names: errors.append(f"list rows {sorted(rows)} != units {sorted(names)}")
if errors:
    print("FAIL browser-test: " + "; ".join(errors)); sys.exit(1)
print(f"ok   browser-test: {len(want)} finding cells of {unit} marked in the DOM ({len(marked)} coloured), "
      f"{len(rows)} units listed by the page's script")
PY
for p in docs/desk-unit.png docs/desk.png; do
  [ -s "$p" ] || { echo "FAIL browser-test: no screenshot $p"; exit 1; }
done
echo "ok   browser-test: screenshots docs/desk-unit.png docs/desk.png"
