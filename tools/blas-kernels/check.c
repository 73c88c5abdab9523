/*
 * Checks the OpenBLAS routines Layerwise calls (DGEMM, SGEMM, DTRMM as DSYEVD uses it, DSYEVD) against plain
 * loops, under the kernel set OPENBLAS_CORETYPE names. A reproduction of the defect behind the wrong whitening
 * of issue 15, on the library file alone (no Java): see run.sh.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROW = 101, COL = 102, NO = 111, TR = 112, UP = 121, LEFT = 141, NONUNIT = 131 };
void cblas_dgemm(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *, int);
void cblas_sgemm(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
void cblas_dtrmm(int, int, int, int, int, int, int, double, const double *, int, double *, int);
int LAPACKE_dsyevd(int, char, char, int, double *, int, double *);
char *openblas_get_corename(void);

static double uniform(void) { return rand() / (double) RAND_MAX - 0.5; }

/* column-major C = A B with A m x k, B k x n */
static void gemm(int m, int n, int k) {
    double *a = malloc(8L * m * k), *b = malloc(8L * k * n), *c = calloc((size_t) m * n, 8), *want = calloc((size_t) m * n, 8);
    float *af = malloc(4L * m * k), *bf = malloc(4L * k * n), *cf = calloc((size_t) m * n, 4);
    for (long i = 0; i < (long) m * k; i++) af[i] = (float) (a[i] = uniform());
    for (long i = 0; i < (long) k * n; i++) bf[i] = (float) (b[i] = uniform());
    for (int j = 0; j < n; j++)
        for (int p = 0; p < k; p++)
            for (int i = 0; i < m; i++) want[(long) j * m + i] += a[(long) p * m + i] * b[(long) j * k + p];
    cblas_dgemm(COL, NO, NO, m, n, k, 1, a, m, b, k, 0, c, m);
    cblas_sgemm(COL, NO, NO, m, n, k, 1, af, m, bf, k, 0, cf, m);
    double ed = 0, ef = 0;
    for (long i = 0; i < (long) m * n; i++) {
        ed = fmax(ed, fabs(c[i] - want[i]));
        ef = fmax(ef, fabs(cf[i] - want[i]));
    }
    printf("  dgemm %4dx%4dx%4d max error %.2e %s   sgemm max error %.2e %s\n", m, n, k, ed, ed < 1e-10 ? "ok" : "WRONG",
           ef, ef < 1e-3 ? "ok" : "WRONG");
    free(a); free(b); free(c); free(want); free(af); free(bf); free(cf);
}

/* B = U B with U n x n upper triangular (what LAPACK's dlarfb asks of it) */
static void trmm(int n, int k) {
    double *u = malloc(8L * n * n), *b = malloc(8L * n * k), *want = malloc(8L * n * k);
    for (long i = 0; i < (long) n * n; i++) u[i] = uniform();
    for (long i = 0; i < (long) n * k; i++) b[i] = uniform();
    for (int j = 0; j < k; j++)
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int p = i; p < n; p++) s += u[(long) p * n + i] * b[(long) j * n + p];
            want[(long) j * n + i] = s;
        }
    cblas_dtrmm(COL, LEFT, UP, NO, NONUNIT, n, k, 1, u, n, b, n);
    double e = 0;
    for (long i = 0; i < (long) n * k; i++) e = fmax(e, fabs(b[i] - want[i]));
    printf("  dtrmm %4dx%4d      max error %.2e %s\n", n, k, e, e < 1e-10 ? "ok" : "WRONG");
    free(u); free(b); free(want);
}

/* eigenvectors of a random symmetric matrix: orthonormal? */
static void syevd(int n) {
    double *a = malloc(8L * n * n), *w = malloc(8L * n);
    for (int j = 0; j < n; j++)
        for (int i = 0; i <= j; i++) a[(long) j * n + i] = a[(long) i * n + j] = uniform();
    int info = LAPACKE_dsyevd(COL, 'V', 'U', n, a, n, w);
    double e = 0;
    for (int p = 0; p < n; p++)
        for (int q = 0; q <= p; q++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += a[(long) p * n + i] * a[(long) q * n + i];
            e = fmax(e, fabs(s - (p == q)));
        }
    printf("  dsyevd %4dx%4d     info %d, |V^T V - I| %.2e %s\n", n, n, info, e, e < 1e-10 ? "ok" : "WRONG");
    free(a); free(w);
}

int main(void) {
    srand(1);
    printf("OpenBLAS kernel %s\n", openblas_get_corename());
    gemm(8, 8, 8);
    gemm(200, 150, 120);
    gemm(784, 500, 20);
    trmm(8, 4);
    trmm(200, 100);
    syevd(150);
    syevd(784);
    return 0;
}
