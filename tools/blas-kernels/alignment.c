/* Whether sdot and sasum give the same float for the same values at different addresses (offsets 0-15 floats).
 * Under ND4J's OpenBLAS 0.3.19 and 0.3.21, on an AMD Zen 5, sasum differs by an ulp in 12-90 of 96 placements under
 * the Haswell and SkylakeX kernels; sdot never does. Built and run by run.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

float cblas_sdot(int n, const float *x, int incx, const float *y, int incy);
float cblas_sasum(int n, const float *x, int incx);

int main(void) {
    const char *kernel = getenv("OPENBLAS_CORETYPE");
    int sizes[] = {1200, 5000, 20000, 100352};
    for (int s = 0; s < 4; s++) {
        int n = sizes[s];
        float *x = malloc(sizeof(float) * (n + 16)), *y = malloc(sizeof(float) * (n + 16));
        float *u = malloc(sizeof(float) * n), *w = malloc(sizeof(float) * n);
        srand(1);
        for (int i = 0; i < n; i++) {
            u[i] = rand() / (float) RAND_MAX;
            w[i] = rand() / (float) RAND_MAX - 0.5f;
        }
        float dot0 = 0, asum0 = 0;
        int dotDiffers = 0, asumDiffers = 0, placements = 0;
        for (int ox = 0; ox < 16; ox++) {
            for (int oy = 0; oy < 16; oy += 3, placements++) {
                memcpy(x + ox, u, sizeof(float) * n);
                memcpy(y + oy, w, sizeof(float) * n);
                float dot = cblas_sdot(n, x + ox, 1, y + oy, 1), asum = cblas_sasum(n, x + ox, 1);
                if (placements == 0) {
                    dot0 = dot;
                    asum0 = asum;
                }
                dotDiffers += dot != dot0;
                asumDiffers += asum != asum0;
            }
        }
        printf("%-10s n=%-6d sdot differs in %d of %d placements, sasum in %d\n", kernel ? kernel : "auto", n,
               dotDiffers, placements, asumDiffers);
        free(x); free(y); free(u); free(w);
    }
    return 0;
}
