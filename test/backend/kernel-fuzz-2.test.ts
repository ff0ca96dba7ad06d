/** Random cases of every patched kernel on wasm with 2 threads, against tfjs's cpu kernels (see fuzz/). */
import { defineKernelFuzz } from './fuzz/define-kernel-fuzz.js';

defineKernelFuzz(2, 150, 202);
