import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { defaultBackend, useBackend, useDefaultBackend } from '../../src/backend/index.js';
import { HAS_TFJS_NODE } from '../helpers/installed.js';

describe('defaultBackend', () => {
  it('picks tensorflow when tfjs-node is installed, else wasm, without switching backends', async () => {
    await useBackend('cpu');
    await expect(defaultBackend()).resolves.toBe(HAS_TFJS_NODE ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('useDefaultBackend switches to that backend', async () => {
    const name = await useDefaultBackend();
    expect(tf.getBackend()).toBe(name);
  });
});
