import { describe, expect, it } from 'vitest';
import { modeCoverage } from '../../src/data/mode-coverage.js';
import { ConfigError, ShapeError } from '../../src/errors.js';

// Ring modes: 0 at (1, 0), 1 at (cos 45°, sin 45°), 2 at (0, 1); std 0.01, so high quality means within 0.03.
const C = Math.SQRT1_2;

describe('modeCoverage', () => {
  it('counts modes, the high-quality fraction and the reverse KL by hand', () => {
    const points = [
      [1, 0],
      [1.01, 0.01], // distance 0.0141 from mode 0
      [0.98, 0], // distance 0.02 from mode 0
      [C, C + 0.02], // mode 1
      [0, 0], // far from every mode: low quality
    ];
    const result = modeCoverage(points, 'ring');
    expect(result.numModes).toBe(8);
    expect(result.histogram).toEqual([3, 1, 0, 0, 0, 0, 0, 0]);
    expect(result.modesCovered).toBe(2);
    expect(result.highQualityFraction).toBeCloseTo(4 / 5, 12);
    // q = [3/4, 1/4]: KL(q || uniform over 8) = 3/4 log(6) + 1/4 log(2).
    expect(result.reverseKL).toBeCloseTo(0.75 * Math.log(6) + 0.25 * Math.log(2), 12);
  });

  it('treats points beyond 3 std as low quality', () => {
    const result = modeCoverage([[1.04, 0], [0, 1.029]], 'ring');
    expect(result.histogram).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
    expect(result.highQualityFraction).toBeCloseTo(0.5, 12);
    expect(result.reverseKL).toBeCloseTo(Math.log(8), 12);
  });

  it('gives reverse KL 0 for an even spread and Infinity with no high-quality sample', () => {
    const even = modeCoverage(
      Float32Array.from([-4, -4, -4, -2, -4, 0, -4, 2, -4, 4, -2, -4, -2, -2, -2, 0, -2, 2, -2, 4,
        0, -4, 0, -2, 0, 0, 0, 2, 0, 4, 2, -4, 2, -2, 2, 0, 2, 2, 2, 4, 4, -4, 4, -2, 4, 0, 4, 2, 4, 4]),
      'grid',
    );
    expect(even.modesCovered).toBe(25);
    expect(even.highQualityFraction).toBe(1);
    expect(even.reverseKL).toBeCloseTo(0, 12);
    const none = modeCoverage([[1, 1], [NaN, 0]], 'grid');
    expect(none.modesCovered).toBe(0);
    expect(none.highQualityFraction).toBe(0);
    expect(none.reverseKL).toBe(Infinity);
  });

  it('reads flat Float32Array pairs', () => {
    const result = modeCoverage(Float32Array.from([1, 0, 0, 1, -1, 0]), 'ring');
    expect(result.histogram).toEqual([1, 0, 1, 0, 1, 0, 0, 0]);
    expect(result.reverseKL).toBeCloseTo(Math.log(8 / 3), 6);
  });

  it('applies a stricter minimum of samples per mode', () => {
    const points = [[1, 0], [1, 0], [0, 1]];
    expect(modeCoverage(points, 'ring').modesCovered).toBe(2);
    expect(modeCoverage(points, 'ring', { minSamplesPerMode: 2 }).modesCovered).toBe(1);
  });

  it('accepts custom modes', () => {
    const result = modeCoverage([[10, 10], [10.5, 10]], { centers: [[10, 10], [20, 20]], std: 0.1 });
    expect(result.histogram).toEqual([1, 0]);
    expect(result.reverseKL).toBeCloseTo(Math.log(2), 12);
  });

  it('rejects points that are not pairs, and bad names or options', () => {
    expect(() => modeCoverage(Float32Array.from([1, 2, 3]), 'ring')).toThrow(ShapeError);
    expect(() => modeCoverage(Float32Array.from([1, 2, 3]), 'ring')).toThrow(/pairs .* received a Float32Array of length 3/);
    expect(() => modeCoverage([[1, 2, 3]], 'ring')).toThrow(/rows \[x, y\] of two numbers, received \[1, 2, 3\] at row 0/);
    expect(() => modeCoverage([], 'ring')).toThrow(/received an empty array/);
    expect(() => modeCoverage([[0, 0]], 'spiral' as 'ring')).toThrow(ConfigError);
    expect(() => modeCoverage([[0, 0]], 'ring', { minSamplesPerMode: 0 })).toThrow(/'minSamplesPerMode' must be an integer >= 1, received 0/);
    expect(() => modeCoverage([[0, 0]], { centers: [], std: 1 })).toThrow(/'name' must be 'ring', 'grid' or/);
  });
});
