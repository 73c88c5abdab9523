/* SGEMM at the training shapes cut into column blocks of C, one call per block, on one thread: time per product and
 * GFLOP/s for each block width. OpenBLAS's AVX-512 kernel sets (SkylakeX, Cooperlake) take a call of fewer than 10^6
 * multiply-adds to their small-matrix kernels, which read A and B in place; a larger call packs both first. At batch
 * 20 that packing is most of a product's time (docs/performance.md, "Batch-20 products in blocks under OpenBLAS's
 * small-matrix limit"). Run by run.sh under each kernel set; by hand:
 *   gcc -O2 -o widths widths.c -l:libopenblas.so.0 && OPENBLAS_CORETYPE=Cooperlake taskset -c 0 ./widths */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ROW = 101, NO = 111, TR = 112 };
void cblas_sgemm(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
void openblas_set_num_threads(int);
char *openblas_get_corename(void);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* best of 9 runs of 100 products C (m x n) = op(A) op(B), each product as calls on column blocks of width w, in us */
static double product(int m, int k, int n, int ta, int tb, int w) {
    float *a = malloc(4L * m * k), *b = malloc(4L * k * n), *c = malloc(4L * m * n);
    for (long i = 0; i < (long) m * k; i++) a[i] = rand() / (float) RAND_MAX;
    for (long i = 0; i < (long) k * n; i++) b[i] = rand() / (float) RAND_MAX;
    int lda = ta ? m : k, ldb = tb ? k : n;
    double best = 1e9;
    for (int r = 0; r < 9; r++) {
        double t = now();
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < n; j += w) {
                int cols = j + w > n ? n - j : w;
                const float *bj = tb ? b + (long) j * ldb : b + j;
                cblas_sgemm(ROW, ta ? TR : NO, tb ? TR : NO, m, cols, k, 1, a, lda, bj, ldb, 0, c + j, n);
            }
        }
        double d = (now() - t) / 100;
        if (d < best) best = d;
    }
    free(a), free(b), free(c);
    return best * 1e6;
}

int main(void) {
    openblas_set_num_threads(1);
    /* m, k, n, 0 plain / 1 A transposed / 2 B transposed: the 784-500 layer's products at batch 20 and 128 */
    int shapes[][4] = {{20, 784, 500, 0}, {20, 500, 784, 2}, {784, 20, 500, 1}, {128, 784, 500, 0}, {128, 500, 784, 2},
                       {784, 128, 500, 1}, {784, 256, 500, 1}};
    int widths[] = {500, 250, 64, 48, 32, 16, 8};
    printf("%s, one thread: us per product (GFLOP/s) by block width\n", openblas_get_corename());
    for (int s = 0; s < 7; s++) {
        int m = shapes[s][0], k = shapes[s][1], n = shapes[s][2], ta = shapes[s][3] == 1, tb = shapes[s][3] == 2;
        printf("  %dx%dx%d%s:", m, k, n, ta ? " (A^T)" : tb ? " (B^T)" : "");
        for (int i = 0; i < 7; i++) {
            if (widths[i] > n) continue;
            double us = product(m, k, n, ta, tb, widths[i]);
            printf(" w%d %.0f (%.0f)", widths[i], us, 2.0 * m * k * n / us / 1e3);
        }
        printf("\n");
    }
    return 0;
}
