# Sourced by scripts/fuzz.sh, fuzz-odsdocx.sh and fuzz-xml.sh: one libFuzzer run and its report.
#   fuzz_run NAME BIN LOG CORPUS CRASHES DICT SECONDS
# Runs BIN on CORPUS for SECONDS (2 GiB RSS limit, 10 s a unit, inputs up to 256 KiB), keeps its
# output in LOG, prints the final stats and the artifacts found; fails on either.
fuzz_run() {
  local name=$1 bin=$2 log=$3 corpus=$4 crashes=$5 dict=$6 secs=$7 rc found
  echo "$name: ${secs}s on $(ls "$corpus" | wc -l) corpus files; log in $log, crashes in $crashes/" >&2
  set +e
  "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
    -dict="$dict" -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^stat::|^#[0-9]+.*DONE|^Done' "$log" | tail -12 >&2 || true
  found=$(ls "$crashes" 2>/dev/null | wc -l)
  echo "$name: exit $rc, $found artifact(s) in $crashes/" >&2
  [ "$found" -eq 0 ] && [ "$rc" -eq 0 ]
}
