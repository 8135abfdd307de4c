#!/usr/bin/env bash
# Fuzzes the .ods and Word readers (ODSReader, DOCXReader) and the 考评表 mapper with libFuzzer + ASan.
# Usage: scripts/fuzz.sh [SECONDS]          (default 60; one core)
#        FUZZ_DIR=.build-fuzz2 scripts/fuzz.sh …  (another build/corpus dir, e.g. for a second run)
#        scripts/fuzz.sh --build-only
#        scripts/fuzz.sh --repro FILE…      (runs the fuzz binary once on each FILE)
#        scripts/fuzz.sh --odsdocx [SECONDS|--build-only|--repro FILE…]
#                                           (the .ods and Word readers instead: entry Fuzz/FuzzODSDOCX.swift,
#                                            everything under .build-fuzz-odsdocx/, seeded from
#                                            Tests/ODSDOCXTests/Fixtures)
# Everything lives under .build-fuzz/ (git-ignored; or $FUZZ_DIR): the instrumented build, the kaoping-fuzz
# binary, corpus/ (seeded from Samples/*.xlsx), crashes/ (crash-*, timeout-*, oom-* files) and
# fuzz.log. The entry point is Fuzz/FuzzEntry.swift (outside Sources/, so SwiftPM ignores it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
entry=odsdocx
if [ "${1:-}" = "--odsdocx" ]; then shift; fi
if [ "$entry" = odsdocx ]; then out=${FUZZ_DIR:-.build-fuzz-odsdocx}; else out=${FUZZ_DIR:-.build-fuzz}; fi
secs=60
mode=run
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
targets=(KaopingModel XLSXReader)
libs=(XLSXCore GridKit XLSXReader KaopingModel)
src=Fuzz/FuzzEntry.swift
if [ "$entry" = odsdocx ]; then
  targets=(KaopingModel XLSXReader ODSReader DOCXReader)
  libs=(XLSXCore GridKit XLSXReader KaopingModel ODSReader DOCXReader)
  src=Fuzz/FuzzODSDOCX.swift
fi
for t in "${targets[@]}"; do
  swift build -c release --scratch-path "$out" --target "$t" \
    -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true
done
rel="$out/release"
objs=()
for t in "${libs[@]}"; do
  test -d "$rel/$t.build" || { echo "fuzz: $t was not built" >&2; exit 2; }
  for o in "$rel/$t.build"/*.o; do objs+=("$o"); done
done

# 2. The entry, compiled as a library-style file and linked with libFuzzer's main.
bin="$out/kaoping-fuzz"
if [ ! -x "$bin" ] || [ -n "$(find "$src" "${objs[@]}" -newer "$bin" 2>/dev/null | head -1)" ]; then
  swiftc -O -parse-as-library -sanitize=fuzzer,address \
    -I "$rel/Modules" \
    -Xcc -fmodule-map-file="$root/Sources/CZip/module.modulemap" \
    -Xcc -fmodule-map-file="$root/Sources/CExpat/module.modulemap" \
    -module-cache-path "$out/ModuleCache-fuzz" \
    "$src" "${objs[@]}" -lzip -lexpat -o "$bin" 2>&1 \
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
corpus="$out/corpus"; crashes="$out/crashes"
mkdir -p "$corpus" "$crashes"
dict="$out/xlsx.dict"
if [ "$entry" = odsdocx ]; then
  dict="$out/odsdocx.dict"
  # The fixtures as they are, mutated, cut, and as parts bundles of the one part each reader
  # parses (content.xml, word/document.xml), plus tiny hand-made ones.
  python3 - "$corpus" "$dict" Tests/ODSDOCXTests/Fixtures/*.ods Tests/ODSDOCXTests/Fixtures/*.docx <<'PY'
import hashlib, os, random, sys, zipfile
corpus, dictpath, files = sys.argv[1], sys.argv[2], sys.argv[3:]
def put(data):
    path = os.path.join(corpus, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f: f.write(data)
rng = random.Random(6)
keep = ("content.xml", "mimetype", "word/document.xml", "[Content_Types].xml")
for s in files:
    data = open(s, "rb").read()
    put(data)
    for k in range(3):
        b = bytearray(data)
        for _ in range(1 + k):
            i = rng.randrange(len(b)); b[i] ^= 1 << rng.randrange(8)
        put(bytes(b))
    put(data[: len(data) // 3])
    z = zipfile.ZipFile(s)
    bundle = bytearray(b"KPB1\n")
    for info in z.infolist():
        if info.filename in keep:
            bundle += b"\0\0PART:" + info.filename.encode() + b"\n" + z.read(info)
    put(bytes(bundle))
ods = ("<office:document-content xmlns:office='urn:oasis:names:tc:opendocument:xmlns:office:1.0' "
       "xmlns:table='urn:oasis:names:tc:opendocument:xmlns:table:1.0' xmlns:text='urn:oasis:names:tc:opendocument:xmlns:text:1.0'>"
       "<office:body><office:spreadsheet><table:table table:name='S'>"
       "<table:table-row><table:table-cell office:value-type='string' table:number-columns-spanned='3'><text:p>序号</text:p></table:table-cell>"
       "<table:covered-table-cell table:number-columns-repeated='2'/><table:table-cell office:value-type='float' office:value='2' table:number-columns-repeated='2'/></table:table-row>"
       "<table:table-row table:number-rows-repeated='3'><table:table-cell table:formula='of:=SUM([.A1:.B2])' office:value-type='float' office:value='4'/></table:table-row>"
       "</table:table></office:spreadsheet></office:body></office:document-content>")
put(b"KPB1\n\0\0PART:content.xml\n" + ods.encode())
w = ("<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body>"
     "<w:p><w:r><w:t>2023年度某局绩效目标考评表</w:t></w:r></w:p><w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
     "<w:tr><w:tc><w:tcPr><w:vMerge w:val='restart'/></w:tcPr><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>"
     "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val='2'/><w:vMerge/></w:tcPr><w:p><w:r><w:t>2</w:t><w:br/><w:tab/></w:r></w:p></w:tc></w:tr>"
     "</w:tbl><w:p><w:r><w:br w:type='page'/></w:r></w:p><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>")
put(b"KPB1\n\0\0PART:word/document.xml\n" + w.encode())
tokens = [
    '<table:table-row>', '</table:table-row>', '<table:table-cell ', '</table:table-cell>', '<table:covered-table-cell/>',
    'table:number-columns-repeated="', 'table:number-rows-repeated="', 'table:number-columns-spanned="',
    'table:number-rows-spanned="', 'office:value-type="float"', 'office:value-type="date"', 'office:value-type="string"',
    'office:value-type="boolean"', 'office:value="', 'office:date-value="2024-12-31"', 'office:boolean-value="true"',
    'calcext:value-type="error"', 'table:formula="of:=', 'table:visibility="collapse"', '<text:p>', '</text:p>',
    '<text:s text:c="', '<text:line-break/>', '<text:tab/>', '<text:span>', '<office:annotation>', '<table:table table:name="',
    '<table:table-column ', 'style:column-width="', 'table:display="false"', '1000000000', '16384', '1048576',
    '<w:tbl>', '</w:tbl>', '<w:tr>', '</w:tr>', '<w:tc>', '</w:tc>', '<w:p>', '</w:p>', '<w:r><w:t>', '</w:t></w:r>',
    '<w:gridSpan w:val="', '<w:vMerge w:val="restart"/>', '<w:vMerge/>', '<w:hMerge w:val="restart"/>', '<w:hMerge/>',
    '<w:gridBefore w:val="', '<w:gridAfter w:val="', '<w:gridCol/>', '<w:br/>', '<w:br w:type="page"/>', '<w:tab/>',
    '<w:del>', '<w:ins>', '<w:sdt><w:sdtContent>', '<w:hyperlink>', '<w:instrText>', '<w:delText>', '<w:txbxContent>',
    '<!DOCTYPE', '\0\0PART:content.xml\n', '\0\0PART:word/document.xml\n',
    '序号', '一级指标', '二级指标', '权重', '合计', '参评单位（盖章）：', '绩效目标考评表', '#REF!', 'PK\x03\x04',
]
with open(dictpath, "w") as f:
    for t in tokens:
        b = t.encode("utf-8")
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
PY

# A dictionary of the tokens that matter to the readers (libFuzzer wants ASCII: \xNN escapes).
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

log="$out/fuzz.log"
. scripts/fuzz-common.sh
fuzz_run fuzz "$bin" "$log" "$corpus" "$crashes" "$dict" "$secs"
