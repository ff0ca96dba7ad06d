import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { modeCoverage } from '../../src/data/mode-coverage.js';
import { toy2d, toy2dModes } from '../../src/data/toy2d.js';
import { ConfigError } from '../../src/errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('toy2dModes', () => {
  it('puts the ring on the unit circle with std 0.01', () => {
    const { centers, std } = toy2dModes('ring');
    expect(std).toBe(0.01);
    expect(centers).toHaveLength(8);
    expect(centers[0][0]).toBeCloseTo(1, 12);
    expect(centers[0][1]).toBeCloseTo(0, 12);
    expect(centers[2][0]).toBeCloseTo(0, 12);
    expect(centers[2][1]).toBeCloseTo(1, 12);
    expect(centers[5][0]).toBeCloseTo(-Math.SQRT1_2, 12);
    expect(centers[5][1]).toBeCloseTo(-Math.SQRT1_2, 12);
  });

  it('puts the grid at {-4, -2, 0, 2, 4}^2 with std 0.05', () => {
    const { centers, std } = toy2dModes('grid');
    expect(std).toBe(0.05);
    expect(centers).toHaveLength(25);
    expect(centers[0]).toEqual([-4, -4]);
    expect(centers[1]).toEqual([-4, -2]);
    expect(centers[7]).toEqual([-2, 0]);
    expect(centers[24]).toEqual([4, 4]);
  });

  it('rejects unknown names', () => {
    expect(() => toy2dModes('spiral' as 'ring')).toThrow(ConfigError);
    expect(() => toy2dModes('spiral' as 'ring')).toThrow(/'name' must be one of \["ring", "grid"\], received "spiral"/);
  });
});

describe('toy2d', () => {
  it.each(['ring', 'grid'] as const)('draws %s points near their labelled mode, unscaled', async (name) => {
    const before = tf.memory().numTensors;
    const data = await toy2d(name, { count: 2000, seed: 3 });
    expect(tf.memory().numTensors).toBe(before + 2);
    const { centers, std } = toy2dModes(name);
    expect(data.size).toBe(2000);
    expect(data.sampleShape).toEqual([2]);
    expect(data.numClasses).toBe(centers.length);
    expect(data.name).toBe(`toy2d-${name}`);
    const points = data.images.dataSync();
    const labels = data.labels!.dataSync();
    for (let n = 0; n < 2000; n++) {
      const [cx, cy] = centers[labels[n]];
      expect(Math.hypot(points[2 * n] - cx, points[2 * n + 1] - cy)).toBeLessThan(6 * std);
    }
    expect(new Set(labels).size).toBe(centers.length);
    data.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the grid outside [-1, 1]', async () => {
    const data = await toy2d('grid', { count: 500, seed: 1 });
    const max = tf.tidy(() => tf.max(data.images).dataSync()[0]);
    expect(max).toBeGreaterThan(3.8);
    data.dispose();
  });

  it('is reproducible from the seed and defaults to 10,000 points', async () => {
    const a = await toy2d('ring', { seed: 11 });
    const b = await toy2d('ring', { seed: 11 });
    const c = await toy2d('ring', { seed: 12 });
    expect(a.size).toBe(10_000);
    expect(Array.from(a.images.dataSync())).toEqual(Array.from(b.images.dataSync()));
    expect(Array.from(a.images.dataSync())).not.toEqual(Array.from(c.images.dataSync()));
    [a, b, c].forEach((d) => d.dispose());
  });

  it('has the high-quality fraction of a 2-D Gaussian within 3 std: 1 - exp(-4.5)', async () => {
    const data = await toy2d('grid', { count: 20_000, seed: 5 });
    const result = modeCoverage(data.images.dataSync() as Float32Array, 'grid');
    expect(result.modesCovered).toBe(25);
    expect(result.highQualityFraction).toBeCloseTo(1 - Math.exp(-4.5), 2);
    expect(result.reverseKL).toBeCloseTo(0, 2);
    data.dispose();
  });

  it('rejects bad names and options', async () => {
    await expect(toy2d('spiral' as 'ring')).rejects.toThrow(ConfigError);
    await expect(toy2d('ring', { count: 0 })).rejects.toThrow(/'count' must be an integer >= 1, received 0/);
    await expect(toy2d('ring', { seed: 0.5 })).rejects.toThrow(/'seed' must be an integer/);
  });
});
