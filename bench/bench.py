#!/usr/bin/env python3
"""Times kaoping beside the best readers and writers; called by scripts/bench.sh (make bench).

Every measurement is a whole process, run RUNS times (BENCH_RUNS, default 3; the one-form
commands and any under half a second at least 10 times): median and spread (min–max) of the wall time (perf_counter, ms precision),
peak memory as /usr/bin/time -f %M reports it (max RSS, largest of the runs).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.join(ROOT, ".build-bench")
DATA = os.path.join(B, "bench-data")
K = os.path.join(B, "release", "kaoping")
KB = os.path.join(B, "release", "kaoping-bench")
PY = os.path.join(B, "venv", "bin", "python")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
rows_out = []


def run(cmd, runs=RUNS, shell=False):
    """Short commands (under half a second) run at least 10 times: their noise is larger."""
    times, peak = [], 0
    i = 0
    while i < runs or (i < 10 and times and statistics.median(times) < 0.5):
        i += 1
        with tempfile.NamedTemporaryFile("r") as tf:
            full = ["/usr/bin/time", "-f", "%e %M", "-o", tf.name] + (["sh", "-c", cmd] if shell else cmd)
            t0 = time.perf_counter()
            p = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            dt = time.perf_counter() - t0
            if p.returncode not in (0, 1):
                sys.exit(f"bench: {' '.join(cmd) if not shell else cmd} failed ({p.returncode}): {p.stderr.decode()[-500:]}")
            last = tf.read().strip().splitlines()[-1].split()
            peak = max(peak, int(last[1]))
        times.append(dt)
    return statistics.median(times), min(times), max(times), peak


def row(task, tool, res, ref=None, note=""):
    med, lo, hi, kb = res
    ratio = f"{med / ref:.2f}×" if ref else ""
    rows_out.append((task, tool, med, lo, hi, kb / 1024, ratio, note))
    print(f"  {task:<34} {tool:<40} {med:8.3f} s  [{lo:.3f}–{hi:.3f}]  {kb / 1024:7.1f} MiB  {ratio}", file=sys.stderr)
    return med


def main():
    big, merges = os.path.join(DATA, "big.xlsx"), os.path.join(DATA, "merges.xlsx")
    form = os.path.join(ROOT, "Samples", "003-yingji-2021.xlsx")
    batch = os.path.join(DATA, "batch")
    floor, cwrite = os.path.join(B, "floor"), os.path.join(B, "write")
    out = tempfile.mkdtemp(prefix="kaoping-bench-")
    sums = {}

    # Reading every cell value and the merges.
    t = "read 200k×10 (every cell)"
    f = row(t, "floor: inflate+tokenize sheet (C)", run([floor, big]))
    f2 = row(t, "floor: sheet + sharedStrings (C)", run([floor, big, "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"]))
    kres = run([K, "cells", "--count", big])
    k = row(t, "kaoping cells --count", kres, f)
    cal = row(t, "python-calamine", run([PY, "bench/read_py.py", "calamine", big]), f)
    row(t, "openpyxl read-only", run([PY, "bench/read_py.py", "openpyxl-ro", big]), f)
    row(t, "openpyxl", run([PY, "bench/read_py.py", "openpyxl", big]), f)
    sums["read"] = (k, cal, f, f2)
    sums["readmem"] = kres[3] / 1024
    t = "read 20k rows, 26,668 merges"
    f = row(t, "floor: inflate+tokenize sheet (C)", run([floor, merges]))
    row(t, "kaoping cells --count", run([K, "cells", "--count", merges]), f)
    row(t, "python-calamine", run([PY, "bench/read_py.py", "calamine", merges]), f)
    row(t, "openpyxl", run([PY, "bench/read_py.py", "openpyxl", merges]), f)

    # Writing the 200k sheet.
    t = "write 200k×10"
    c = row(t, "C on libxlsxwriter, constant memory", run([cwrite, os.path.join(out, "c.xlsx"), "200000"]))
    kw = row(t, "kaoping-bench write (constant memory)", run([KB, "write", os.path.join(out, "k.xlsx"), "200000"]), c)
    row(t, "XlsxWriter (Python), constant_memory", run([PY, "bench/write_xlsxwriter.py", os.path.join(out, "p.xlsx"), "200000", "constant"]), c)
    row(t, "XlsxWriter (Python), normal", run([PY, "bench/write_xlsxwriter.py", os.path.join(out, "p.xlsx"), "200000", "normal"]), c)
    sums["write"] = (kw, c)

    # A typical 考评表, whole processes.
    t = "one 考评表 (003-yingji-2021)"
    ci1 = row(t, "python-calamine, bare read", run([PY, "bench/read_py.py", "calamine", form], runs=max(RUNS, 10)))
    i1 = row(t, "kaoping inspect --json", run([K, "inspect", form, "--json"], runs=max(RUNS, 10)), ci1)
    x1 = row(t, "kaoping fix", run([K, "fix", form, "-o", os.path.join(out, "fix.xlsx")], runs=max(RUNS, 10)))
    sums["form"] = (i1, x1, ci1)

    # The 100-form batch.
    t = "batch of 100 考评表"
    files = sorted(os.path.join(batch, n) for n in os.listdir(batch) if n.endswith(".xlsx"))
    fixdir = os.path.join(out, "fixed")
    os.makedirs(fixdir, exist_ok=True)
    inspect_all = " ; ".join(f"'{K}' inspect '{p}' --json >/dev/null" for p in files)
    cb = row(t, "python-calamine, bare read, one process", run([PY, "bench/read_py.py", "calamine-all", *files]))
    kc = row(t, "kaoping check --json, one process", run([K, "check", "--json", *files]), cb)
    sums["check"] = (kc, cb)
    bi = row(t, "inspect, one process per form", run(inspect_all + " ; true", shell=True))
    bf = row(t, "fix, one process for all", run([K, "fix", *files, "-o", fixdir]))
    has_summary = subprocess.run([K, "summary", "--help"], capture_output=True).returncode == 0
    bs = 0.0
    if has_summary:
        bs = row(t, "summary, one process", run([K, "summary", batch, "-o", os.path.join(out, "summary.xlsx")]))
    total = bi + bf + bs
    rows_out.append((t, "inspect + fix" + (" + summary" if has_summary else ""), total, None, None, None, "", "sum of medians"))
    sums["batch"] = total

    # A form-shaped sheet of 20,000 and 200,000 rows (bench/gen-big-form.py): linear, bounded.
    t = "考评表-shaped sheet"
    sums["bigform"] = {}
    for n in (20000, 200000):
        bf_path = os.path.join(DATA, f"form{n // 1000}k.xlsx")
        label = f"{n // 1000}k rows"
        ins = run([K, "inspect", bf_path], runs=min(RUNS, 3))
        row(t, f"kaoping inspect, {label}", ins)
        fx = run([K, "fix", bf_path, "-o", os.path.join(out, f"bigform{n}.xlsx")], runs=min(RUNS, 3))
        row(t, f"kaoping fix, {label}", fx)
        sums["bigform"][n] = (ins, fx)

    print_table(sums)


def print_table(s):
    print("| task | tool | median s | spread s | peak MiB | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    for task, tool, med, lo, hi, mib, ratio, note in rows_out:
        spread = f"{lo:.3f}–{hi:.3f}" if lo is not None else note
        mem = f"{mib:.1f}" if mib is not None else ""
        print(f"| {task} | {tool} | {med:.3f} | {spread} | {mem} | {ratio} |")
    k, cal, f, f2 = s["read"]
    kw, c = s["write"]
    i1, x1, ci1 = s["form"]
    kc, cb = s["check"]
    bf = s["bigform"]
    print()
    print("Ratios: read vs the sheet floor; write vs the C program. Targets:")
    print(f"- read 200k faster than python-calamine: {k:.3f} s vs {cal:.3f} s → {'met' if k < cal else 'NOT met'} ({cal / k:.2f}× faster)")
    print(f"- read within 1.2× of the inflate+tokenize floor: {k / f:.2f}× (sheet only), {k / f2:.2f}× (sheet + shared strings) → {'met' if k <= 1.2 * f else 'not met'}")
    print(f"- peak memory streaming every cell under 100 MiB: {s['readmem']:.1f} MiB → {'met' if s['readmem'] < 100 else 'NOT met'}")
    print(f"- write within 1.3× of C: {kw / c:.2f}× → {'met' if kw <= 1.3 * c else 'NOT met'}")
    print(f"- inspect under 20 ms: {i1 * 1000:.0f} ms → {'met' if i1 < 0.020 else 'NOT met'}; fix under 50 ms: {x1 * 1000:.0f} ms → {'met' if x1 < 0.050 else 'NOT met'}")
    print(f"- batch of 100 under 3 s: {s['batch']:.2f} s → {'met' if s['batch'] < 3 else 'NOT met'}")
    print(f"- inspect of one form at or under python-calamine's bare read of it: {i1 * 1000:.0f} ms vs {ci1 * 1000:.0f} ms → {i1 / ci1:.2f}× ({'met' if i1 <= ci1 else 'not met'})")
    print(f"- check of 100 forms in one process at most python-calamine's bare read of them: {kc:.3f} s vs {cb:.3f} s → {kc / cb:.2f}× ({'met' if kc <= cb else 'not met'})")
    (i20, f20), (i200, f200) = bf[20000], bf[200000]
    for name, a, b in (("inspect", i20, i200), ("fix", f20, f200)):
        print(f"- {name} of the 200k-row form: {b[0]:.1f} s ({b[0] / a[0]:.1f}× the 20k rows' {a[0]:.2f} s), {b[3] / 1024:.0f} MiB → {'met' if b[3] / 1024 < 200 else 'not met'} (under 200 MiB)")


if __name__ == "__main__":
    main()
