#!/bin/sh
# Rebuilds the two benchmark modules with Debian's clang and lld (apt-get install clang lld). The built
# .wasm files are committed, so `npm run bench:simd` needs no toolchain.
set -e
cd "$(dirname "$0")"
clang --target=wasm32 -O3 -msimd128 -nostdlib -Wl,--no-entry -Wl,--export-dynamic -o peak.wasm peak.c
clang --target=wasm32 -O3 -msimd128 -nostdlib -Wl,--no-entry -Wl,--import-memory -Wl,--export-dynamic -o gemm.wasm gemm.c
