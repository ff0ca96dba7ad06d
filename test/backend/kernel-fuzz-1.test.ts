/** Random cases of every patched kernel on wasm with 1 thread, against tfjs's cpu kernels (see fuzz/). */
import { defineKernelFuzz } from './fuzz/define-kernel-fuzz.js';

defineKernelFuzz(1, 300, 101);
