/**
 * Integration: the ring recipe (`recipes.ring()`, as shipped) learns the 8-Gaussian ring within its own
 * steps, scored by the held-out protocol (`recipe.score`: modes covered and the share of high-quality
 * samples of 5,000 samples of the EMA generator).
 */
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { recipes } from '../../src/index.js';

describe('the ring recipe', () => {
  it('covers at least 7 of 8 modes with at least 90% high-quality samples in its steps', async () => {
    await useBackend('wasm');
    const recipe = recipes.ring();
    const run = await recipe.train();
    const score = await recipe.score(run.trainer.samplingGenerator);
    console.log(`ring recipe: ${score.modes}/8 modes, ${(100 * score.highQuality!).toFixed(1)}% high quality, FID ${score.fid.toFixed(4)} (floor ${score.floorFid.toFixed(4)})`);
    expect(run.trainer.step).toBe(recipe.config.steps);
    expect(score.modes).toBeGreaterThanOrEqual(7);
    expect(score.highQuality).toBeGreaterThanOrEqual(0.9);
    run.dispose();
  }, 600_000);
});
