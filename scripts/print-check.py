#!/usr/bin/env python3
"""Checks the printed pages of a fixed 考评表 as the office sees them (issue 12).

    python3 scripts/print-check.py SHEET.pdf SHEET.json

SHEET.pdf is LibreOffice's rendering of the fixed sheet, SHEET.json `kaoping inspect --json`
of the same fixed sheet (it names every 一级指标's items by 序号, with section and group).
Reading the words of every page with `pdftotext -tsv`, it fails (exit 1, one line per fault) when:
  - a 一级指标 block crosses a page, unless it starts its first page (it is then taller than a page);
  - an item's 序号 is not printed, or printed twice;
  - a page with items lacks the 项目 labels (section and group names) of those items;
  - the last page holds no item (only totals or signatures);
  - text overlaps other text, or runs into the page margins (a row too short for its text).
"""
import json
import re
import subprocess
import sys
from collections import defaultdict

CODE = re.compile(r"^\d+(-\d+)*$")
TOP_MARGIN = 0.6 * 72 - 4      # points; the sheet's top margin, less a little for glyph ascent
BOTTOM_MARGIN = 0.6 * 72 - 4


def squeeze(s):
    return re.sub(r"\s+", "", s or "")


def words(pdf):
    out = subprocess.run(["pdftotext", "-tsv", pdf, "-"], capture_output=True, text=True, check=True).stdout
    pages = defaultdict(list)
    sizes = {}
    for line in out.splitlines()[1:]:
        f = line.split("\t")
        if len(f) < 12:
            continue
        level, page = int(f[0]), int(f[1])
        x, y, w, h, text = float(f[6]), float(f[7]), float(f[8]), float(f[9]), f[11]
        if level == 1:
            sizes[page] = (w, h)
        if level == 5 and text.strip():
            pages[page].append((x, y, w, h, text))
    return pages, sizes


def main():
    pdf, js = sys.argv[1], sys.argv[2]
    form = json.load(open(js, encoding="utf-8"))
    pages, sizes = words(pdf)
    faults = []
    # 序号 → (indicator index, section name, group name), in sheet order.
    items = []
    indicators = []
    for s in form["sections"]:
        for g in s["groups"]:
            for ind in g["indicators"]:
                idx = len(indicators)
                indicators.append(ind.get("code") or ind.get("text", "")[:12])
                for it in ind["items"]:
                    if it.get("code"):
                        items.append((it["code"], idx, s.get("name"), g.get("name")))
    wanted = defaultdict(int)
    for code, *_ in items:
        wanted[code] += 1

    # Where each 序号 prints: words in the 序号 column (under the header word 序号).
    seen = defaultdict(list)          # code -> [page]
    first_code = {}                   # page -> first code word from the top
    label_text = {}                   # page -> [text of each 项目 column]
    for p in sorted(pages):
        ws = pages[p]
        head = [w for w in ws if w[4] == "序号"]
        if not head:
            faults.append(f"page {p}: no 序号 header")
            continue
        hx = head[0][0] + head[0][2] / 2
        codes = sorted((w for w in ws if CODE.match(w[4]) and abs(w[0] + w[2] / 2 - hx) < 25 and w[1] > head[0][1]),
                       key=lambda w: w[1])
        for w in codes:
            seen[w[4]].append(p)
        if codes:
            first_code[p] = codes[0][4]
        # The 项目 columns: words left of the 序号 column, below the header, one text per column.
        left = min([w[0] for w in codes] + [head[0][0]]) - 2
        cols = defaultdict(list)
        for w in ws:
            if w[0] + w[2] <= left + 1 and w[1] > head[0][1] + head[0][3]:
                cols[round((w[0] + w[2] / 2) / 6)].append(w)
        label_text[p] = ["".join(w[4] for w in sorted(c, key=lambda w: (w[1], w[0]))) for c in cols.values()]
        # Text that overlaps other text: a row too short lets its lines run into the next cell.
        for i, a in enumerate(ws):
            for b in ws[i + 1:]:
                ox = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
                oy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
                if ox > 1 and oy > min(a[3], b[3]) * 0.3:
                    faults.append(f"page {p}: text overlaps: 「{a[4][:12]}」 and 「{b[4][:12]}」")
        pw, ph = sizes.get(p, (841.89, 595.3))
        for w in ws:
            if w[1] < TOP_MARGIN - 10 or w[1] + w[3] > ph - BOTTOM_MARGIN + 22:
                faults.append(f"page {p}: text in the margin at y={w[1]:.0f}: 「{w[4][:12]}」")

    # No last page holds only totals or signatures.
    if pages and items and max((p for ps in seen.values() for p in ps), default=0) < max(pages):
        faults.append(f"page {max(pages)}: the last page holds no item (only totals or signatures)")
    for code, n in wanted.items():
        if len(seen[code]) < n:
            faults.append(f"{code}: printed {len(seen[code])} times, expected {n}")
    # Blocks: the pages of each indicator's items.
    on_pages = defaultdict(set)
    first_of = {}
    cursor = defaultdict(int)
    for code, idx, sname, gname in items:
        k = cursor[code]
        cursor[code] += 1
        if k < len(seen[code]):
            p = seen[code][k]
            on_pages[idx].add(p)
            first_of.setdefault(idx, (p, code))
            # The page shows the labels of its items.
            texts = label_text.get(p, [])
            for name in (sname, gname):
                if name and not any(squeeze(name) in t for t in texts):
                    faults.append(f"page {p}: items without their 项目 label 「{name}」")
    for idx, ps in on_pages.items():
        if len(ps) > 1:
            p, code = first_of[idx]
            if first_code.get(p) != code:
                faults.append(f"一级指标 {indicators[idx]}: crosses pages {sorted(ps)} (it does not start page {p})")
    seen_faults = set()
    for f in faults:
        if f not in seen_faults:
            seen_faults.add(f)
            print(f)
    print(f"{pdf}: {len(pages)} pages, {len(items)} items, {len(indicators)} 一级指标, {len(seen_faults)} faults", file=sys.stderr)
    sys.exit(1 if seen_faults else 0)


if __name__ == "__main__":
    main()
