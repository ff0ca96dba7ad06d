/** Random cases of every patched kernel on wasm with 3 threads, against tfjs's cpu kernels (see fuzz/). */
import { defineKernelFuzz } from './fuzz/define-kernel-fuzz.js';

defineKernelFuzz(3, 150, 303);
