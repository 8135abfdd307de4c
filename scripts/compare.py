#!/usr/bin/env python3
"""Compares `kaoping inspect --json` output with an expected form: prints every difference.
Usage: compare.py ACTUAL.json EXPECTED.json  (exit 1 when they differ)"""
import json, re, sys

def ws(s):
    return None if s is None else re.sub(r"\s+", "", s)

def main():
    a = json.load(open(sys.argv[1])); e = json.load(open(sys.argv[2]))
    diffs = []
    def cmp(path, x, y):
        if x != y: diffs.append(f"{path}: got {x!r} want {y!r}")
    for k in ("title", "unit", "year"):
        cmp(k, a.get(k), e.get(k))
    cmp("total", a["total"], e["total"])
    cmp("sections.count", len(a["sections"]), len(e["sections"]))
    for si, (sa, se) in enumerate(zip(a["sections"], e["sections"])):
        p = f"s{si}"
        for k in ("kind", "name", "declaredPoints", "points"): cmp(f"{p}.{k}", sa[k], se[k])
        cmp(f"{p}.groups.count", len(sa["groups"]), len(se["groups"]))
        for gi, (ga, ge) in enumerate(zip(sa["groups"], se["groups"])):
            q = f"{p}.g{gi}"
            for k in ("kind", "name", "declaredPoints", "points"): cmp(f"{q}.{k}", ga[k], ge[k])
            cmp(f"{q}.indicators.count", len(ga["indicators"]), len(ge["indicators"]))
            for ii, (ia, ie) in enumerate(zip(ga["indicators"], ge["indicators"])):
                r = f"{q}.i{ii}({ie['code']})"
                for k in ("code", "declaredPoints", "points"): cmp(f"{r}.{k}", ia[k], ie[k])
                for k in ("text", "basis"): cmp(f"{r}.{k}", ws(ia[k]), ws(ie[k]))
                cmp(f"{r}.items.count", len(ia["items"]), len(ie["items"]))
                for ti, (ta, te) in enumerate(zip(ia["items"], ie["items"])):
                    t = f"{r}.t{ti}(row {te['row']})"
                    for k in ("code", "weight", "deadline", "leaders", "departments", "persons", "row", "grade", "score"):
                        cmp(f"{t}.{k}", ta.get(k), te.get(k))
                    for k in ("text", "remark"): cmp(f"{t}.{k}", ws(ta.get(k)), ws(te.get(k)))
    for d in diffs: print(d)
    print(f"{len(diffs)} differences")
    sys.exit(1 if diffs else 0)

main()
