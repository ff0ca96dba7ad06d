/**
 * The preflight's messages: a failed dry-run stage turned into a {@link BackendError} that names the
 * missing kernel (and the registered backends that have it) or the missing gradient, the part of the
 * configuration that needs it and what needs it.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

import { BackendError, GanError } from '../errors.js';
import { BACKEND_NAMES, isBackendName } from '../backend/backend-name.js';
import { SECOND_ORDER_GRADIENT_KERNELS } from '../backend/gradients/index.js';
import { KERNEL_PATCHES, patchedKernels } from '../backend/kernel-patches.js';

/** Which part of the configuration a dry-run stage exercises, for messages. */
export type Part =
  | { readonly kind: 'generator'; readonly label: string }
  | { readonly kind: 'discriminator'; readonly label: string }
  | { readonly kind: 'loss'; readonly label: string }
  | { readonly kind: 'penalty'; readonly label: string }
  | { readonly kind: 'regularizer'; readonly label: string }
  | { readonly kind: 'augmentation'; readonly label: string };

/** One piece of the dry run: what it runs, which part it blames and what it exercises. */
export interface Stage {
  readonly part: Part;
  /** Completes "needed by ...". */
  readonly needs: string;
  /** Whether the stage differentiates a gradient again. */
  readonly secondOrder: boolean;
  readonly run: () => void;
}

const KERNEL_MISSING = /Kernel '([^']+)' (?:is )?not registered for backend '([^']+)'/;
const GRADIENT_MISSING = /gradient function not found for ([^\s.]+)/;
const METHOD_MISSING = /'([^']+)' not yet implemented or not found in the registry/;

/** The registered backends (of those tfjs-gan loads) other than `current` that have `kernelName`. */
function backendsWithKernel(kernelName: string, current: string): string[] {
  return BACKEND_NAMES.filter(
    (name) => name !== current && tf.findBackendFactory(name) != null && tf.getKernel(kernelName, name) != null,
  );
}

function quoteList(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}

/**
 * The {@link BackendError} for a stage that failed with `error`, or `error` itself when it is not about
 * a missing kernel or gradient.
 */
export function explain(stage: Stage, error: unknown, backendName: string): unknown {
  if (error instanceof GanError || !(error instanceof Error)) return error;
  const head = `preflight: the ${stage.part.label} cannot run on backend '${backendName}'`;
  const needs = `${stage.needs}${stage.secondOrder ? ', which takes gradients of gradients' : ''}`;
  const kernel = KERNEL_MISSING.exec(error.message);
  if (kernel != null) {
    const kernelName = kernel[1];
    const patches = isBackendName(backendName) ? (KERNEL_PATCHES[backendName] ?? []) : [];
    const providedByPatch =
      isBackendName(backendName) &&
      (patches as readonly string[]).includes(kernelName) &&
      !(patchedKernels(backendName) as string[]).includes(kernelName);
    const others = backendsWithKernel(kernelName, backendName);
    const advice = [
      providedByPatch
        ? `tfjs-gan provides it for '${backendName}': activate the backend with \`await useBackend('${backendName}')\`, which registers it.`
        : '',
      others.length > 0
        ? `Registered backends that have it: ${quoteList(others)} (switch with \`await useBackend('${others[0]}')\`).`
        : providedByPatch
          ? ''
          : `No other registered backend has it either: change the ${stage.part.kind}, or register the kernel with tf.registerKernel.`,
    ]
      .filter((sentence) => sentence !== '')
      .join(' ');
    return new BackendError(
      `${head}: kernel '${kernelName}' is not registered for backend '${kernel[2]}' (needed by ${needs}). ${advice}`,
      { cause: error },
    );
  }
  const gradient = GRADIENT_MISSING.exec(error.message);
  if (gradient != null) {
    const kernelName = gradient[1];
    const fix = SECOND_ORDER_GRADIENT_KERNELS.missing.includes(kernelName)
      ? `tfjs-gan provides it: call registerSecondOrderGradients() (useBackend does).`
      : `remove the op that needs it from the ${stage.part.kind}, or register a gradient with ` +
        `tf.registerGradient({ kernelName: '${kernelName}', gradFunc }).`;
    return new BackendError(
      `${head}: tfjs has no gradient for kernel '${kernelName}' (needed by ${needs}). Gradients are the ` +
        `same on every backend, so switching backends does not help: ${fix}`,
      { cause: error },
    );
  }
  const method = METHOD_MISSING.exec(error.message);
  if (method != null) {
    const others = BACKEND_NAMES.filter((name) => name !== backendName && tf.findBackendFactory(name) != null);
    return new BackendError(
      `${head}: the backend does not implement '${method[1]}' (needed by ${needs}).` +
        (others.length > 0 ? ` Other registered backends: ${quoteList(others)}.` : ''),
      { cause: error },
    );
  }
  return error;
}
