/* The floor for writing: libxlsxwriter driven straight from C, constant-memory mode, with the
 * same deterministic data as `kaoping bench-write` (Sources/kaoping/BenchWrite.swift):
 *
 *   ROWS x 10: A row number; B..E CJK text, about 30% of cells a new string, else one seen before;
 *   F..J numbers with 2 decimals, about 10% of G..J a formula (=F{r}*k) with its cached value.
 *   Random numbers: splitmix64 from seed 20240601; the Swift side uses the same generator.
 *
 *   cc -O2 bench/write.c -o write $(pkg-config --cflags --libs xlsxwriter)
 *   ./write OUT.xlsx [ROWS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

static uint64_t state = 20240601;
static uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static double unit(void) { return (double)(next() >> 11) * (1.0 / 9007199254740992.0); }
static uint64_t below(uint64_t n) { return next() % n; }

/* 3-byte UTF-8 characters only, so character i starts at byte 3*i. */
static const char CJK[] =
    "考评指标绩效目标完成情况预算执行率资金使用效益社会满意度项目管理制度建设产出数量质量时效成本生态环境保护应急救援交通城管国资监督评分标准";

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: write OUT.xlsx [ROWS]\n"); return 2; }
    long rows = argc > 2 ? atol(argv[2]) : 200000;
    size_t nchars = (sizeof CJK - 1) / 3;
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    lxw_workbook *wb = workbook_new_opt(argv[1], &opt);
    if (!wb) { fprintf(stderr, "write: cannot create %s\n", argv[1]); return 2; }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "大表");
    size_t cap = 1 << 16, count = 0;
    char **pool = malloc(cap * sizeof *pool);
    char buf[128], formula[64];
    for (long r = 0; r < rows; r++) {
        worksheet_write_number(ws, (lxw_row_t)r, 0, (double)(r + 1), NULL);
        for (int c = 1; c <= 4; c++) {
            const char *s;
            if (count == 0 || unit() < 0.30) {
                int n = 2 + (int)below(11), len = 0;
                for (int k = 0; k < n; k++) { memcpy(buf + len, CJK + 3 * below(nchars), 3); len += 3; }
                snprintf(buf + len, sizeof buf - len, "%zu", count);
                if (count == cap) { cap *= 2; pool = realloc(pool, cap * sizeof *pool); }
                pool[count++] = strdup(buf);
                s = pool[count - 1];
            } else {
                s = pool[below(count)];
            }
            worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, s, NULL);
        }
        double f = (double)(int64_t)(unit() * 100000.0) / 100.0;
        worksheet_write_number(ws, (lxw_row_t)r, 5, f, NULL);
        for (int c = 6; c <= 9; c++) {
            if (unit() < 0.10) {
                int k = c - 4;
                snprintf(formula, sizeof formula, "=F%ld*%d", r + 1, k);
                worksheet_write_formula_num(ws, (lxw_row_t)r, (lxw_col_t)c, formula, NULL, f * k);
            } else {
                worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, (double)(int64_t)(unit() * 100000.0) / 100.0, NULL);
            }
        }
    }
    lxw_error rc = workbook_close(wb);
    if (rc != LXW_NO_ERROR) { fprintf(stderr, "write: %s\n", lxw_strerror(rc)); return 2; }
    printf("%ld rows, %zu strings\n", rows, count);
    return 0;
}
