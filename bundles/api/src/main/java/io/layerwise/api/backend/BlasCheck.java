package io.layerwise.api.backend;

/**
 * The verdict of checking every BLAS and LAPACK routine the platform calls against a float64 reference, under the
 * OpenBLAS kernels this process loaded.
 *
 * @param kernel   the {@code OPENBLAS_CORETYPE} in force, or "auto" where OpenBLAS chose by itself
 * @param passed   whether every routine computed right
 * @param summary  one line: what was checked, or each failing routine with its error
 * @param fallback the kernels the launcher tried before this one and why each was refused, or "" if none
 */
public record BlasCheck(String kernel, boolean passed, String summary, String fallback) {
}
