#!/usr/bin/env bash
# Fuzzes XMLScanner (XLSXCore) against expat with libFuzzer + ASan: whatever expat reads, the
# scanner must read as the same events, in any chunking; a DTD expat refuses, it must refuse; no
# crash, hang or runaway memory on any bytes. Entry: Fuzz/FuzzXML.swift, with the tests' witness
# Tests/WorkbookTests/XMLWitness.swift compiled beside it.
# Usage: scripts/fuzz-xml.sh [SECONDS]      (default 60; one core)
#        scripts/fuzz-xml.sh --build-only | --repro FILE…
# Everything lives under .build-fuzz-xml/ (or $FUZZ_DIR): build, binary, corpus/ (every XML part of
# Samples/ and the test fixtures, and their cut-downs), crashes/, fuzz.log.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=${FUZZ_DIR:-.build-fuzz-xml}
secs=60; mode=run
case "${1:-}" in
  --build-only) mode=build ;;
  --repro) mode=repro; shift ;;
  "") ;;
  *) secs=$1 ;;
esac

# 1. XLSXCore instrumented for coverage and ASan (one comma-separated -sanitize=, see fuzz.sh).
swift build -c release --scratch-path "$out" --target XLSXCore \
  -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true
rel="$out/release"
test -d "$rel/XLSXCore.build" || { echo "fuzz-xml: XLSXCore was not built" >&2; exit 2; }
objs=("$rel/XLSXCore.build"/*.o)

# 2. The entry and the witness, linked with libFuzzer's main, libzip and expat.
bin="$out/kaoping-fuzz-xml"
src=(Fuzz/FuzzXML.swift Tests/WorkbookTests/XMLWitness.swift)
if [ ! -x "$bin" ] || [ -n "$(find "${src[@]}" "${objs[@]}" -newer "$bin" 2>/dev/null | head -1)" ]; then
  swiftc -O -parse-as-library -sanitize=fuzzer,address -I "$rel/Modules" \
    -Xcc -fmodule-map-file="$root/Sources/CZip/module.modulemap" \
    -Xcc -fmodule-map-file="$root/Sources/CExpat/module.modulemap" \
    -module-cache-path "$out/ModuleCache-fuzz" \
    "${src[@]}" "${objs[@]}" -lzip -lexpat -o "$bin" 2>&1 | grep -v "Cannot export local symbol" >&2 || true
  test -x "$bin" || { echo "fuzz-xml: link failed" >&2; exit 2; }
  echo "fuzz-xml: built $bin" >&2
fi
[ "$mode" = build ] && exit 0
[ "$mode" = repro ] && exec "$bin" -rss_limit_mb=2048 -timeout=10 "$@"

# 3. Seeds: every XML part of the samples and fixtures (first byte: the chunk size), whole and
#    cut to its first 4 KiB; a dictionary of XML's own tokens.
corpus="$out/corpus"; crashes="$out/crashes"
mkdir -p "$corpus" "$crashes"
python3 - "$corpus" Samples/*.xlsx Tests/ODSDOCXTests/Fixtures/*.ods Tests/ODSDOCXTests/Fixtures/*.docx <<'PY'
import hashlib, os, sys, zipfile
corpus = sys.argv[1]
def put(data):
    path = os.path.join(corpus, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f: f.write(data)
for k, name in enumerate(sys.argv[2:]):
    for info in zipfile.ZipFile(name).infolist():
        if info.filename.endswith((".xml", ".rels")):
            data = zipfile.ZipFile(name).read(info)
            put(bytes([k % 8]) + data[:262000])
            put(bytes([(k + 3) % 8]) + data[:4096])
for doc in [b"<a/>", b"<?xml version='1.0'?><a b='1'>t&amp;<![CDATA[x]]><!--c--><?p d?></a>",
            b"<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", b"<x:a xmlns:x='u' x:b=\"&#x4E2D;\">\r\n</x:a>"]:
    put(b"\x00" + doc); put(b"\x01" + doc)
PY
dict="$out/xml.dict"
python3 - "$dict" <<'PY'
import sys
tokens = ['<', '>', '/>', '</', '="', "='", '&amp;', '&lt;', '&#', '&#x', ';', '<![CDATA[', ']]>', '<!--', '-->',
          '<?xml version="1.0"?>', '<?', '?>', '<!DOCTYPE', 'xmlns:', 'xmlns="', ':', '\r\n', '\r', '\t',
          '\xef\xbb\xbf', '\xed\xa0\x80', '\xef\xbf\xbe', '\xc0\xaf', '\xf4\x90\x80\x80', '中']
with open(sys.argv[1], "w") as f:
    for t in tokens:
        b = t.encode("latin-1") if t.startswith("\xef") or t.startswith("\xed") or t.startswith("\xc0") or t.startswith("\xf4") else t.encode()
        f.write('"' + "".join(chr(c) if 32 <= c < 127 and c not in (34, 92) else "\\x%02X" % c for c in b) + '"\n')
PY

log="$out/fuzz.log"
. scripts/fuzz-common.sh
fuzz_run fuzz-xml "$bin" "$log" "$corpus" "$crashes" "$dict" "$secs"
