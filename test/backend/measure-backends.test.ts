import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { measureBackends, useBackend } from '../../src/backend/index.js';
import { ConfigError } from '../../src/errors.js';
import { HAS_TFJS_NODE } from '../helpers/installed.js';

describe('measureBackends', () => {
  it('times each backend, fastest first, and leaves the active backend and memory as they were', async () => {
    await useBackend('cpu');
    // Warm both up so that the tensors tfjs keeps per backend (kernel set-up) do not count as a leak.
    await measureBackends({ backends: ['cpu', 'wasm'], steps: 1, batchSize: 2 });
    const before = tf.memory().numTensors;
    const results = await measureBackends({ backends: ['wasm', 'cpu'], steps: 2, batchSize: 8 });
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.memory().numTensors).toBe(before);
    expect(results.map((r) => r.backend).sort()).toEqual(['cpu', 'wasm']);
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r.msPerStep).toBeGreaterThan(0);
      expect(Number.isFinite(r.msPerStep)).toBe(true);
      expect(r.warmupMs).toBeGreaterThan(0);
    }
    expect(results[0].msPerStep).toBeLessThanOrEqual(results[1].msPerStep);
    // tfjs-gan's wasm kernels train this step several times faster than the cpu backend.
    expect(results[0].backend).toBe('wasm');
  });

  it('reports a backend that cannot start with its error, last, instead of throwing', async () => {
    await useBackend('cpu');
    const results = await measureBackends({ backends: ['webgl', 'cpu'], steps: 1, batchSize: 2 });
    expect(results[0].backend).toBe('cpu');
    expect(results[1]).toMatchObject({ backend: 'webgl', msPerStep: Infinity });
    expect(results[1].error).toMatch(/webgl/i);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('tries the Node backends by default', async () => {
    await useBackend('cpu');
    const results = await measureBackends({ steps: 1, batchSize: 2 });
    expect(results.map((r) => r.backend).sort()).toEqual(['cpu', 'tensorflow', 'wasm']);
    const native = results.find((r) => r.backend === 'tensorflow');
    if (HAS_TFJS_NODE) expect(native?.error).toBeUndefined();
    else expect(native?.error).toMatch(/@tensorflow\/tfjs-node/);
  });

  it('refuses bad options, naming them', async () => {
    await expect(measureBackends({ backends: ['gpu' as never] })).rejects.toThrow(/backends\[0\].*'cpu'.*received "gpu"/);
    await expect(measureBackends({ backends: [] })).rejects.toThrow(ConfigError);
    await expect(measureBackends({ steps: 0 })).rejects.toThrow(/steps/);
    await expect(measureBackends({ batchSize: 1.5 })).rejects.toThrow(/batchSize/);
    await expect(measureBackends({ maxWarmupMs: -1 })).rejects.toThrow(/maxWarmupMs/);
    await expect(measureBackends({ step: 3 } as never)).rejects.toThrow(/Did you mean 'steps'/);
  });
});
