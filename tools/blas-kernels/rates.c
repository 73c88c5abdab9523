/* SGEMM speed at the training shapes (DAE / RBM 784-500 at batch 128, forward, backward and weight gradient), in
 * GFLOP/s, medians of 7 runs of 50 calls, row-major as the platform calls it. Run by run.sh under each kernel set,
 * and by hand against any other OpenBLAS for comparison, e.g. the anchor's (Debian's libopenblas0-pthread):
 *   gcc -O2 -o rates rates.c -l:libopenblas.so.0 && OPENBLAS_CORETYPE=Zen ./rates */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ROW = 101, NO = 111, TR = 112 };
void cblas_sgemm(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
char *openblas_get_corename(void);
int openblas_get_num_threads(void);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int ascending(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* C (m x n) = op(A) op(B) with the inner dimension k */
static double rate(int m, int k, int n, int ta, int tb) {
    float *a = malloc(4L * m * k), *b = malloc(4L * k * n), *c = malloc(4L * m * n);
    for (long i = 0; i < (long) m * k; i++) a[i] = rand() / (float) RAND_MAX;
    for (long i = 0; i < (long) k * n; i++) b[i] = rand() / (float) RAND_MAX;
    int lda = ta ? m : k, ldb = tb ? k : n;
    double runs[7];
    for (int w = 0; w < 20; w++) cblas_sgemm(ROW, ta ? TR : NO, tb ? TR : NO, m, n, k, 1, a, lda, b, ldb, 0, c, n);
    for (int r = 0; r < 7; r++) {
        double t = now();
        for (int i = 0; i < 50; i++) cblas_sgemm(ROW, ta ? TR : NO, tb ? TR : NO, m, n, k, 1, a, lda, b, ldb, 0, c, n);
        runs[r] = (now() - t) / 50;
    }
    qsort(runs, 7, sizeof(double), ascending);
    free(a), free(b), free(c);
    return 2.0 * m * k * n / runs[3] / 1e9;
}

int main(void) {
    int shapes[][5] = {{128, 784, 500, 0, 0}, {128, 500, 784, 0, 1}, {784, 128, 500, 1, 0}, {1024, 1024, 1024, 0, 0}};
    printf("%-10s %d threads:", openblas_get_corename(), openblas_get_num_threads());
    for (int s = 0; s < 4; s++) {
        int *p = shapes[s];
        printf("  %dx%dx%d%s %.1f", p[0], p[1], p[2], p[3] ? " (A^T)" : p[4] ? " (B^T)" : "", rate(p[0], p[1], p[2], p[3], p[4]));
    }
    printf(" GFLOP/s\n");
    return 0;
}
