#!/bin/sh
# Rebuilds the benchmark's peak modules: SIMD128 with Debian's clang and lld (apt-get install clang lld),
# relaxed SIMD with clang 16 or later (apt-get install clang-19 lld-19; CLANG_RELAXED names it). The built
# .wasm files are committed, so `npm run bench:simd` needs no toolchain. (The GEMM it measures is the
# library's own, src/backend/simd/kernels.c, built by src/backend/simd/build.sh.)
set -e
cd "$(dirname "$0")"
CLANG_RELAXED=${CLANG_RELAXED:-clang-19}
clang --target=wasm32 -O3 -msimd128 -nostdlib -Wl,--no-entry -Wl,--export-dynamic -o peak.wasm peak.c
$CLANG_RELAXED --target=wasm32 -O3 -mcpu=mvp -msimd128 -mrelaxed-simd -nostdlib -Wl,--no-entry -Wl,--export-dynamic -o peak-relaxed.wasm peak.c
