#!/bin/sh
# Rebuilds the benchmark's peak module with Debian's clang and lld (apt-get install clang lld). The built
# .wasm file is committed, so `npm run bench:simd` needs no toolchain. (The GEMM it measures is the
# library's own, src/backend/simd/kernels.c, built by src/backend/simd/build.sh.)
set -e
cd "$(dirname "$0")"
clang --target=wasm32 -O3 -msimd128 -nostdlib -Wl,--no-entry -Wl,--export-dynamic -o peak.wasm peak.c
