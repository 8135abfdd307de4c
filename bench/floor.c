/* The floor for reading a sheet: inflate one zip part with libzip and run expat over it
 * with empty handlers (namespace processing on, as kaoping uses it). No cell is decoded.
 *
 *   cc -O2 bench/floor.c -o floor $(pkg-config --cflags --libs libzip expat)
 *   ./floor BOOK.xlsx [PART...]      (PART defaults to xl/worksheets/sheet1.xml)
 *
 * With several parts each is inflated and tokenized in turn, by a fresh parser.
 */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <zip.h>

static unsigned long elements;
static void XMLCALL start(void *ud, const XML_Char *name, const XML_Char **attrs) {
    (void)ud; (void)name; (void)attrs; elements++;
}
static void XMLCALL end(void *ud, const XML_Char *name) { (void)ud; (void)name; }
static void XMLCALL text(void *ud, const XML_Char *s, int len) { (void)ud; (void)s; (void)len; }

static int tokenize(zip_t *z, const char *part, unsigned long long *total) {
    zip_file_t *f = zip_fopen(z, part, ZIP_FL_NOCASE);
    if (!f) { fprintf(stderr, "floor: no part %s\n", part); return 2; }
    XML_Parser p = XML_ParserCreateNS("UTF-8", '\x01');
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, text);
    enum { CHUNK = 1 << 16 };
    for (;;) {
        void *buf = XML_GetBuffer(p, CHUNK);
        if (!buf) { fprintf(stderr, "floor: out of memory\n"); return 2; }
        zip_int64_t n = zip_fread(f, buf, CHUNK);
        if (n < 0) { fprintf(stderr, "floor: inflate error\n"); return 2; }
        *total += (unsigned long long)n;
        if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
            fprintf(stderr, "floor: %s\n", XML_ErrorString(XML_GetErrorCode(p)));
            return 2;
        }
        if (n == 0) break;
    }
    XML_ParserFree(p);
    zip_fclose(f);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: floor BOOK.xlsx [PART...]\n"); return 2; }
    int err = 0;
    zip_t *z = zip_open(argv[1], ZIP_RDONLY, &err);
    if (!z) { fprintf(stderr, "floor: cannot open %s\n", argv[1]); return 2; }
    unsigned long long total = 0;
    if (argc == 2) {
        if (tokenize(z, "xl/worksheets/sheet1.xml", &total)) return 2;
    } else {
        for (int i = 2; i < argc; i++)
            if (tokenize(z, argv[i], &total)) return 2;
    }
    printf("%llu bytes, %lu elements\n", total, elements);
    zip_discard(z);
    return 0;
}
