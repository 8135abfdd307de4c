#!/usr/bin/env bash
# Fuzzes the reader (XLSXCore + XLSXReader) and the 考评表 mapper (KaopingModel) with libFuzzer + ASan.
# Usage: scripts/fuzz.sh [SECONDS]          (default 60; one core)
#        scripts/fuzz-odsdocx.sh [SECONDS|--build-only|--repro FILE…]   the .ods and Word readers
#        scripts/fuzz.sh --xls [SECONDS|--build-only|--repro FILE…]
#                                            the .xls reader (OLE2 + XLSReader, Fuzz/FuzzXLS.swift)
#                                            instead; its binary, corpus and crashes end in -xls
#        FUZZ_DIR=.build-fuzz2 scripts/fuzz.sh …  (another build/corpus dir, e.g. for a second run)
#        scripts/fuzz.sh --build-only
#        scripts/fuzz.sh --repro FILE…      (runs the fuzz binary once on each FILE)
# Everything lives under .build-fuzz/ (git-ignored; or $FUZZ_DIR): the instrumented build, the kaoping-fuzz
# binary, corpus/ (seeded from Samples/*.xlsx), crashes/ (crash-*, timeout-*, oom-* files) and
# fuzz.log. The entry point is Fuzz/FuzzEntry.swift (outside Sources/, so SwiftPM ignores it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${FUZZ_DIR:-.build-fuzz}
secs=60
mode=run
reader=xlsx
if [ "${1:-}" = "--xls" ]; then reader=xls; shift; fi
sfx=""; [ "$reader" = xls ] && sfx="-xls"
case "${1:-}" in
  --build-only) mode=build ;;
  --repro) mode=repro; shift ;;
  "") ;;
  *) secs=$1 ;;
esac

# 1. The library targets, instrumented for coverage (libFuzzer) and ASan. Building only the
#    KaopingModel target builds XLSXCore and Workbook too and links nothing, so the fuzzer
#    runtime is not needed yet.
#    One comma-separated flag: given as two -sanitize= options, swiftc 6.3 keeps only the last one
#    (ASan without coverage, or coverage without ASan).
for t in KaopingWriter XLSXReader; do
  swift build -c release --scratch-path "$out" --target "$t" \
    -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true
done
targets="XLSXCore GridKit XLSXReader KaopingModel KaopingRules KaopingWriter"
entry=Fuzz/FuzzEntry.swift
if [ "$reader" = xls ]; then
  swift build -c release --scratch-path "$out" --target XLSReader \
    -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true
  targets="$targets OLE2 XLSReader"
  entry=Fuzz/FuzzXLS.swift
fi
rel="$out/release"
objs=()
for t in $targets; do
  test -d "$rel/$t.build" || { echo "fuzz: $t was not built" >&2; exit 2; }
  for o in "$rel/$t.build"/*.o; do objs+=("$o"); done
done

# 2. The entry, compiled as a library-style file and linked with libFuzzer's main.
bin="$out/kaoping-fuzz$sfx"
if [ ! -x "$bin" ] || [ -n "$(find "$entry" "${objs[@]}" -newer "$bin" 2>/dev/null | head -1)" ]; then
  swiftc -O -parse-as-library -sanitize=fuzzer,address \
    -I "$rel/Modules" \
    -Xcc -fmodule-map-file="$root/Sources/CZip/module.modulemap" \
    -Xcc -fmodule-map-file="$root/Sources/CExpat/module.modulemap" \
    -Xcc -fmodule-map-file="$root/Sources/CXlsxWriter/module.modulemap" \
    -module-cache-path "$out/ModuleCache-fuzz" \
    "$entry" "${objs[@]}" -lzip -lexpat -lxlsxwriter -o "$bin" 2>&1 \
    | grep -v "Cannot export local symbol" >&2 || true
  test -x "$bin" || { echo "fuzz: link failed" >&2; exit 2; }
  echo "fuzz: built $bin" >&2
fi
[ "$mode" = build ] && exit 0

if [ "$mode" = repro ]; then
  exec "$bin" -rss_limit_mb=2048 -timeout=10 "$@"
fi

# 3. The seed corpus: the samples, small byte-level mutations of them, and each sample as a
#    "parts bundle" (see FuzzEntry.swift) so that mutations reach the XML with valid CRCs.
corpus="$out/corpus$sfx"; crashes="$out/crashes$sfx"
mkdir -p "$corpus" "$crashes"
if [ "$reader" = xls ]; then
# The .xls seeds: each fixture as is, mutated and truncated, and its Workbook stream as a
# KPX1 bundle (see FuzzXLS.swift) so that mutations reach the records.
python3 - "$corpus" Tests/XLSReaderTests/Fixtures/*.xls <<'PY'
import hashlib, os, random, struct, sys
corpus, files = sys.argv[1], sys.argv[2:]
def put(data):
    path = os.path.join(corpus, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f: f.write(data)
def workbook_stream(d):
    # Just enough [MS-CFB] to find the Workbook stream of a LibreOffice file (no mini stream).
    ss = 1 << struct.unpack_from("<H", d, 0x1E)[0]
    sec = lambda n: d[(n + 1) * ss:(n + 2) * ss]
    difat = [x for x in struct.unpack_from("<109I", d, 0x4C) if x < 0xFFFFFFFC]
    fat = []
    for s in difat: fat += struct.unpack("<%dI" % (ss // 4), sec(s))
    def chain(s):
        out = []
        while s < len(fat) and len(out) <= len(fat): out.append(s); s = fat[s]
        return out
    dirb = b"".join(sec(s) for s in chain(struct.unpack_from("<I", d, 0x30)[0]))
    for o in range(0, len(dirb), 128):
        n = struct.unpack_from("<H", dirb, o + 0x40)[0]
        if dirb[o:o + n - 2].decode("utf-16-le", "replace") == "Workbook":
            start, size = struct.unpack_from("<II", dirb, o + 0x74)
            return b"".join(sec(s) for s in chain(start))[:size]
rng = random.Random(6)
for f in files:
    data = open(f, "rb").read()
    put(data)
    for k in range(4):
        b = bytearray(data)
        for _ in range(1 + k):
            i = rng.randrange(len(b)); b[i] ^= 1 << rng.randrange(8)
        put(bytes(b))
    put(data[: len(data) // 2])
    w = workbook_stream(data)
    if w: put(b"KPX1\n" + w)
PY
dict="$out/xls.dict"
python3 - "$dict" <<'PY'
import sys
# Record headers (type, little-endian) and values that matter to the BIFF8 reader.
tokens = [b"\x09\x08\x10\x00\x00\x06", b"\x0a\x00\x00\x00", b"\x3c\x00", b"\xfc\x00", b"\xfd\x00\x0a\x00",
          b"\x03\x02\x0e\x00", b"\x7e\x02\x0a\x00", b"\xbd\x00", b"\x05\x02\x08\x00", b"\x06\x00",
          b"\x07\x02", b"\xe5\x00", b"\x08\x02\x10\x00", b"\x7d\x00\x0c\x00", b"\x85\x00", b"\x2f\x00",
          b"\x22\x00\x02\x00\x01\x00", b"\xe0\x00\x14\x00", b"\x1e\x04", b"\xbc\x04", b"\x17\x00",
          b"\xff\xff\xff\xff", b"\xfe\xff\xff\xff", b"\xfd\xff\xff\xff", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
          b"\x25\x00\x00", b"\x2a", b"\x2b", b"\x19\x10", b"\x22\x01\x04\x00", b"\x01\x00\x00\x00\x00"]
with open(sys.argv[1], "w") as f:
    for b in tokens:
        f.write('"' + "".join(chr(c) if 32 <= c < 127 and c not in (34, 92) else "\\x%02X" % c for c in b) + '"\n')
PY
else
python3 - "$corpus" Samples/*.xlsx <<'PY'
import hashlib, os, random, sys, zipfile
corpus, samples = sys.argv[1], sys.argv[2:]
def put(data):
    name = hashlib.sha1(data).hexdigest()
    path = os.path.join(corpus, name)
    if not os.path.exists(path):
        with open(path, "wb") as f: f.write(data)
rng = random.Random(6)
for s in samples:
    data = open(s, "rb").read()
    put(data)
    for k in range(6):                       # small mutated copies
        b = bytearray(data)
        for _ in range(1 + k):
            i = rng.randrange(len(b)); b[i] ^= 1 << rng.randrange(8)
        put(bytes(b))
    put(data[: len(data) * (k + 1) // 8])     # truncated
    z = zipfile.ZipFile(s)
    bundle = bytearray(b"KPB1\n")
    for info in z.infolist():
        if info.filename.startswith(("docProps/", "xl/theme/")):
            continue                          # the reader never opens these
        bundle += b"\0\0PART:" + info.filename.encode() + b"\n" + z.read(info)
    put(bytes(bundle))
# A few tiny hand-made bundles: a minimal form-like sheet, merges, shared formulas.
def bundle(sheet, sst=None):
    b = b"KPB1\n"
    b += b"\0\0PART:[Content_Types].xml\n<Types/>"
    b += b"\0\0PART:_rels/.rels\n<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/relationships'><Relationship Id='rId1' Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument' Target='xl/workbook.xml'/></Relationships>"
    b += b"\0\0PART:xl/workbook.xml\n<workbook xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main' xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships'><sheets><sheet name='S' sheetId='1' r:id='rId1'/></sheets></workbook>"
    b += b"\0\0PART:xl/_rels/workbook.xml.rels\n<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/relationships'><Relationship Id='rId1' Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet' Target='worksheets/sheet1.xml'/><Relationship Id='rId2' Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings' Target='sharedStrings.xml'/></Relationships>"
    b += b"\0\0PART:xl/worksheets/sheet1.xml\n" + sheet.encode()
    if sst: b += b"\0\0PART:xl/sharedStrings.xml\n" + sst.encode()
    return b
ns = "<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData>"
hdr = "".join(f"<c r='{c}2' t='inlineStr'><is><t>{t}</t></is></c>" for c, t in zip("ABCDEFG", ["序号", "一级指标", "二级指标", "权重", "完成时限", "责任部门", "责任人"]))
body = "<row r='3'><c r='A3' t='inlineStr'><is><t>1-1-1</t></is></c><c r='B3' t='s'><v>0</v></c><c r='D3'><v>2</v></c><c r='E3' t='inlineStr'><is><t>12月</t></is></c></row>"
body += "<row r='4'><c r='A4' t='inlineStr'><is><t>合计</t></is></c><c r='D4'><f t='shared' si='0' ref='D4:E4'>SUM(D3:D3)</f><v>2</v></c><c r='E4'><f t='shared' si='0'/></c></row>"
title = "<row r='1'><c r='A1' t='inlineStr'><is><t>2024年度泉州市某局绩效目标考评表</t></is></c></row>"
sst = "<sst xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><si><t>一级指标（2分）</t></si></sst>"
put(bundle(ns + title + "<row r='2'>" + hdr + "</row>" + body + "</sheetData><mergeCells><mergeCell ref='A1:G1'/><mergeCell ref='B3:B4'/></mergeCells></worksheet>", sst))
put(bundle(ns + "<row r='1'><c r='A1'><v>1</v></c></row></sheetData></worksheet>"))
# Dense sheets the harness generates itself (KPD1 + rows hi/lo, cols, header?, kind, merges?).
for params in ([0, 8, 9, 1, 0, 1], [1, 0, 3, 0, 1, 0], [0, 64, 7, 1, 2, 1], [2, 0, 11, 1, 3, 0]):
    put(b"KPD1" + bytes(params))
PY

# A dictionary of the tokens that matter to the readers (libFuzzer wants ASCII: \xNN escapes).
dict="$out/xlsx.dict"
python3 - "$dict" <<'PY'
import sys
tokens = [
    '<row r="', '<c r="', 't="s"', 't="inlineStr"', 't="str"', 't="e"', 't="b"', 't="d"',
    '<v>', '</v>', '<f t="shared" si="0"/>', '<f t="shared" si="0" ref="A1:A9">', '<is><t>', '</t></is>',
    '<rPh><t>', '<mergeCell ref="', '<mergeCells>', '<col min="1" max="16384" hidden="1"/>',
    'hidden="1"', 'customHeight="1" ht="20"', '<si><t>', '</t></si>', '_x000D_', '_x005F_',
    '<dimension ref="', 'XFD1048576', '1048577', '<sheet name="', 'state="hidden"', 'Target="', '../',
    '<!DOCTYPE', '\0\0PART:', '\0\0PART:xl/worksheets/sheet1.xml\n', '\0\0PART:xl/sharedStrings.xml\n',
    '序号', '一级指标', '二级指标', '权重', '完成时限', '责任部门', '责任人', '合计', '（4分）', '1-2-3',
    '职能工作目标（68分）', '行政能力目标', '#REF!', 'PK\x03\x04', 'PK\x01\x02', 'PK\x05\x06',
]
with open(sys.argv[1], "w") as f:
    for t in tokens:
        b = t.encode("utf-8")
        f.write('"' + "".join(chr(c) if 32 <= c < 127 and c not in (34, 92) else "\\x%02X" % c for c in b) + '"\n')
PY
fi

log="$out/fuzz$sfx.log"
. scripts/fuzz-common.sh
fuzz_run fuzz "$bin" "$log" "$corpus" "$crashes" "$dict" "$secs"
