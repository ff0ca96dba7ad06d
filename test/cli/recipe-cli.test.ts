import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { recipeFromFlags, recipeSettings } from '../../src/cli/recipe-flags.js';
import { recipes } from '../../src/index.js';
import { captureCliOutput } from '../helpers/cli-output.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-gan-recipe-cli-'));

describe('tfjs-gan train --recipe', () => {
  const io = captureCliOutput();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains a recipe with its own settings, saves it with the run, and resumes it from the saved recipe', async () => {
    const run = join(root, 'ring');
    const common = ['--backend', 'wasm', '--out', run, '--checkpoint-every', '2'];
    expect(await main(['train', '--recipe', 'ring', '--steps', '2', '--seed', '9', ...common])).toBe(0);
    expect(io.out).toMatch(/training recipe ring: mlp on toy2d-ring/);
    const manifest = JSON.parse(readFileSync(join(run, 'gan.json'), 'utf8'));
    expect(manifest.step).toBe(2);
    expect(manifest.metadata.recipe).toEqual({ ...recipes.RECIPES.ring, steps: 2, seed: 9 });
    expect(manifest.metadata.cli).toMatchObject({ recipe: 'ring', dataset: 'ring', arch: 'mlp', loss: 'non-saturating', batchSize: 256, seed: 9 });
    expect(manifest.loss.name).toBe('non-saturating');
    expect(await main(['train', '--resume', '--steps', '1', ...common])).toBe(0);
    expect(JSON.parse(readFileSync(join(run, 'gan.json'), 'utf8')).step).toBe(3);
  });

  it('refuses flags the recipe sets, and unknown recipes, before loading anything', async () => {
    const out = join(root, 'refused');
    expect(await main(['train', '--recipe', 'mnist', '--loss', 'hinge', '--width', '8', '--backend', 'cpu', '--out', out])).toBe(1);
    expect(io.err).toMatch(/--recipe mnist sets the data, networks, loss, optimizers and schedule, so --width, --loss cannot be given with it/);
    expect(await main(['train', '--recipe', 'mnsit', '--backend', 'cpu', '--out', out])).toBe(1);
    expect(io.err).toMatch(/'--recipe' must be one of mnist \| mnist-unconditional \| fashion-mnist \| emoji64 \| ring, received "mnsit"\. Did you mean 'mnist'\?/);
    // --labels changes the emoji recipe's classes; the recipe refuses it for other data.
    expect(await main(['train', '--recipe', 'ring', '--labels', 'subcategory', '--backend', 'cpu', '--out', out])).toBe(1);
    expect(io.err).toMatch(/'labels' applies to \["emoji"\] only, received "subcategory" for dataset ring/);
    expect(await main(['train', '--recipe', 'ring', '--steps', '-5', '--backend', 'cpu', '--out', out])).toBe(1);
    expect(io.err).toMatch(/'--steps' must be an integer >= 1, received "-5"/);
  });

  it('takes --labels for the emoji recipe: its classes, saved with the run', () => {
    const recipe = recipeFromFlags({ recipe: 'emoji64', labels: 'subcategory', steps: 10 });
    expect(recipe.config).toMatchObject({ dataset: 'emoji', labels: 'subcategory', steps: 10 });
    expect(recipeSettings(recipe)).toMatchObject({ recipe: 'emoji64', dataset: 'emoji', labels: 'subcategory' });
    expect(recipeSettings(recipes.emoji64())).not.toHaveProperty('labels');
    // Classes of one's own, as JSON: the recipe takes the object, the saved settings the JSON again.
    const json = '{"extraClasses":[{"name":"hearts","category":"Smileys & Emotion","subcategories":["heart"]}]}';
    const own = recipeFromFlags({ recipe: 'emoji64', labels: json });
    expect(own.config.labels).toEqual(JSON.parse(json));
    expect(recipeSettings(own).labels).toBe(json);
    expect(recipeFromFlags({ recipe: 'emoji64', labels: recipeSettings(own).labels }).config.labels).toEqual(own.config.labels);
    expect(() => recipeFromFlags({ recipe: 'emoji64', labels: '{"extraClasses":[{"name":"hearts"}]}' })).toThrow(/'labels'\.extraClasses\[0\]: 'category' must be one of/);
  });

  it("saves a recipe's mode seeking as the flags that make it, the pool size only when the recipe sets one", () => {
    expect(recipeSettings(recipes.emoji64({ modeSeeking: { weight: 2, poolSize: 4 } }))).toMatchObject({ modeSeeking: 2, modeSeekingPool: 4 });
    const pixels = recipeSettings(recipes.emoji64({ modeSeeking: {} }));
    expect(pixels).toMatchObject({ modeSeeking: 1 });
    expect(pixels).not.toHaveProperty('modeSeekingPool');
    expect(recipeSettings(recipes.emoji64())).not.toHaveProperty('modeSeeking');
  });
});
