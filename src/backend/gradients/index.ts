/**
 * Gradients of gradients: what tfjs lacks or gets wrong for gradient penalties, and registering it.
 *
 * @packageDocumentation
 */
export {
  SECOND_ORDER_GRADIENT_KERNELS,
  activeSecondOrderGradients,
  registerSecondOrderGradients,
  revertSecondOrderGradients,
} from './register-second-order-gradients.js';
