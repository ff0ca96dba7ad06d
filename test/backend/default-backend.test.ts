import { createRequire } from 'node:module';

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { defaultBackend, useBackend, useDefaultBackend } from '../../src/backend/index.js';

function isInstalled(packageName: string): boolean {
  try {
    createRequire(import.meta.url).resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

describe('defaultBackend', () => {
  it('picks tensorflow when tfjs-node is installed, else wasm, without switching backends', async () => {
    await useBackend('cpu');
    const hasTfjsNode = isInstalled('@tensorflow/tfjs-node') || isInstalled('@tensorflow/tfjs-node-gpu');
    await expect(defaultBackend()).resolves.toBe(hasTfjsNode ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('useDefaultBackend switches to that backend', async () => {
    const name = await useDefaultBackend();
    expect(tf.getBackend()).toBe(name);
  });
});
