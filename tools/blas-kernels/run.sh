#!/usr/bin/env bash
# Runs check.c (right results), alignment.c (same results wherever the values lie), rates.c (SGEMM GFLOP/s at
# the training shapes) and widths.c (those products in column blocks) against the OpenBLAS library that ND4J brings
# (JavaCPP's openblas natives, the version in the parent pom), under each kernel set given (default: the ones
# runtime/layerwise may choose on x86-64).
#   tools/blas-kernels/run.sh [KERNEL...]          e.g. tools/blas-kernels/run.sh Cooperlake SkylakeX Haswell
#   OPENBLAS_VERSION=0.3.21-1.5.8 tools/blas-kernels/run.sh     another JavaCPP build, for comparison
# Needs gcc and mvn; fetches the natives jar into target/ with the dependency plugin.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="${OPENBLAS_VERSION:-$(sed -n 's:.*<openblas.version>\(.*\)</openblas.version>.*:\1:p' "$root/pom.xml")}"
work="$here/target/$version"
mkdir -p "$work"
if [[ ! -f "$work/lib/libopenblas.so.0" ]]; then
  mvn -B -q dependency:copy -Dartifact="org.bytedeco:openblas:$version:jar:linux-x86_64" -DoutputDirectory="$work" >&2
  (cd "$work" && unzip -q -o "openblas-$version-linux-x86_64.jar" 'org/bytedeco/openblas/linux-x86_64/*' \
    && mkdir -p lib && mv org/bytedeco/openblas/linux-x86_64/* lib/)
fi
for program in check alignment rates widths; do
  gcc -O2 -o "$work/$program" "$here/$program.c" -L"$work/lib" -l:libopenblas.so.0 -lm -Wl,-rpath,"$work/lib"
done
kernels=("$@")
[[ ${#kernels[@]} -gt 0 ]] || kernels=(Cooperlake SkylakeX Haswell Zen)
echo "OpenBLAS $version"
for k in "${kernels[@]}"; do
  OPENBLAS_CORETYPE="$k" "$work/check"
  OPENBLAS_CORETYPE="$k" "$work/alignment"
  OPENBLAS_CORETYPE="$k" "$work/rates"
  OPENBLAS_CORETYPE="$k" "$work/widths"
done
