#!/usr/bin/env bash
# Before and after, in one run: the release binary of an older commit beside the current one on
# reading every cell (200k×10) and `inspect` of one form, interleaved, wall time (median of N) and
# instructions (callgrind, when valgrind is there: repeatable whatever else the machine runs).
#   bench/before-after.sh [COMMIT]      (default 8b934b9, the commit before the foundations)
#   BENCH_RUNS=N                        runs per binary (default 10)
# Builds the old commit in a worktree under .build-bench/ (once); needs `make bench`'s inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:-8b934b9}
runs=${BENCH_RUNS:-10}
B=.build-bench
D=$B/bench-data
old_src=$B/base-$commit
[ -d "$old_src" ] || git worktree add --detach "$old_src" "$commit" >&2
if [ ! -x "$old_src/.build/release/kaoping" ]; then
  echo "before-after: building $commit (release)" >&2
  (cd "$old_src" && swift build -c release --static-swift-stdlib --product kaoping 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true)
fi
swift build -c release --static-swift-stdlib --scratch-path "$B" --product kaoping 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true
old=$old_src/.build/release/kaoping new=$B/release/kaoping
[ -f "$D/big.xlsx" ] || python3 scripts/gen-big-sheet.py "$D/big.xlsx" 200000 >&2
[ -f "$D/big20k.xlsx" ] || python3 scripts/gen-big-sheet.py "$D/big20k.xlsx" 20000 >&2
form=Samples/003-yingji-2021.xlsx
python3 - "$old" "$new" "$runs" "$D/big.xlsx" "$D/big20k.xlsx" "$form" "$commit" <<'PY'
import os, shutil, statistics, subprocess, sys, time
old, new, runs, big, big20k, form, commit = sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:]
tasks = [("read 200k×10 (`cells --count`)", ["cells", "--count", big]),
         ("`inspect --json` of 003-yingji-2021", ["inspect", form, "--json"])]
print(f"| task | {commit} median s | now median s | change |")
print("|---|---:|---:|---:|")
for name, args in tasks:
    t = {old: [], new: []}
    for _ in range(runs):
        for b in (old, new):                      # interleaved: both see the same machine
            t0 = time.perf_counter()
            subprocess.run([b, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            t[b].append(time.perf_counter() - t0)
    a, b = statistics.median(t[old]), statistics.median(t[new])
    print(f"| {name} | {a:.3f} | {b:.3f} | {100 * (b - a) / a:+.1f} % |")
if shutil.which("valgrind"):
    print()
    print(f"| instructions (callgrind) | {commit} | now | change |")
    print("|---|---:|---:|---:|")
    for name, args in [("read 20k×10 (`cells --count`)", ["cells", "--count", big20k]), tasks[1]]:
        n = {}
        for b in (old, new):
            out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", b, *args],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
            n[b] = int([l for l in out.splitlines() if "refs:" in l][-1].split()[-1].replace(",", ""))
        print(f"| {name} | {n[old]:,} | {n[new]:,} | {100 * (n[new] - n[old]) / n[old]:+.1f} % |")
PY
