import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { oxygenIcons } from '../../src/data/oxygen-icons.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { OXYGEN_ICONS, skipWithout } from '../helpers/debian.js';

// CI installs oxygen-icon-theme (.ci/run); elsewhere the test skips when the package is absent.
const available = !skipWithout(OXYGEN_ICONS);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('oxygenIcons', () => {
  it.skipIf(!available)("loads Debian's icons as colour images with category labels", async () => {
    const before = tf.memory().numTensors;
    const data = await oxygenIcons({ size: 16, count: 40 });
    expect(data.size).toBe(40);
    expect(data.sampleShape).toEqual([16, 16, 3]);
    expect(data.classNames?.[0]).toBe('actions');
    expect(data.name).toBe('oxygen-icons-16');
    const values = data.images.dataSync();
    let min = Infinity;
    let max = -Infinity;
    let colourful = 0;
    for (let i = 0; i < values.length; i += 3) {
      min = Math.min(min, values[i], values[i + 1], values[i + 2]);
      max = Math.max(max, values[i], values[i + 1], values[i + 2]);
      if (Math.max(values[i], values[i + 1], values[i + 2]) - Math.min(values[i], values[i + 1], values[i + 2]) > 0.2) colourful++;
    }
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThanOrEqual(1);
    // Real colour: a good share of the pixels are far from gray; the corners are the white background.
    expect(colourful / (values.length / 3)).toBeGreaterThan(0.1);
    expect(values[0]).toBeCloseTo(1, 1);
    data.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the Debian package when the folder is missing, and rejects bad options', async () => {
    await expect(oxygenIcons({ dir: '/nonexistent/oxygen' })).rejects.toThrow(DataError);
    await expect(oxygenIcons({ dir: '/nonexistent/oxygen' })).rejects.toThrow(/apt-get install oxygen-icon-theme/);
    await expect(oxygenIcons({ size: 0 })).rejects.toThrow(ConfigError);
    await expect(oxygenIcons({ size: 0 })).rejects.toThrow(/'size' must be an integer >= 1, received 0/);
  });
});
