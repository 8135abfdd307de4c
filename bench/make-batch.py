#!/usr/bin/env python3
"""Makes a batch of typical 考评表 for the benchmark: copies of the Samples whose unit name
(the 泉州市…局/委/办 in the title or the 参评单位 line) is replaced, copy by copy, with another unit.

    python3 bench/make-batch.py SAMPLES_DIR OUT_DIR [COUNT]      (COUNT defaults to 100)

Only the text parts change (xl/sharedStrings.xml, or the worksheets where a writer put the
strings inline); every other part is copied byte for byte. Deterministic.
"""
import os
import re
import sys
import zipfile

PLACES = ["鲤城区", "丰泽区", "洛江区", "泉港区", "石狮市", "晋江市", "南安市", "惠安县", "安溪县", "永春县",
          "德化县", "金门县", "台商投资区", "开发区", "高新区", "综改区", "清濛园区", "东海片区", "北峰街道", "城东街道"]
UNIT = re.compile(r"泉州市[^<：:\s]{1,10}?(?:局|委|办)")


def main():
    src, out = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    samples = sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith(".xlsx"))
    os.makedirs(out, exist_ok=True)
    for k in range(count):
        path = samples[k % len(samples)]
        with zipfile.ZipFile(path) as z:
            texts = {n: z.read(n).decode("utf-8") for n in z.namelist()
                     if n == "xl/sharedStrings.xml" or (n.startswith("xl/worksheets/") and n.endswith(".xml"))}
            m = next((m for m in (UNIT.search(t) for t in texts.values()) if m), None)
            if m:
                unit = m.group(0)
                new = PLACES[k % len(PLACES)] + unit[len("泉州市"):]
                if k >= len(PLACES):  # unique for every copy, the evaluated twins included
                    new += f"第{k // len(PLACES) + 1}分局"
                texts = {n: t.replace(unit, new) for n, t in texts.items()}
            name = f"{k:03d}-{os.path.basename(path)}"
            with zipfile.ZipFile(os.path.join(out, name), "w") as o:
                for info in z.infolist():
                    data = texts[info.filename].encode("utf-8") if info.filename in texts else z.read(info)
                    o.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    print(f"{out}: {count} forms from {len(samples)} samples")


if __name__ == "__main__":
    main()
