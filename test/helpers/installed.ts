/** Whether optional npm packages are installed here (tests for the native backends skip without them). */
import { createRequire } from 'node:module';

/** Whether `packageName` resolves from the repository. */
export function isInstalled(packageName: string): boolean {
  try {
    createRequire(import.meta.url).resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

/** Whether `@tensorflow/tfjs-node` or `@tensorflow/tfjs-node-gpu` is installed. */
export const HAS_TFJS_NODE = isInstalled('@tensorflow/tfjs-node') || isInstalled('@tensorflow/tfjs-node-gpu');
