/**
 * What a change of a recipe costs a training step: the recipe as it is and with `--changes`, built
 * fresh and timed in alternating rounds in one process (so both see the same machine load), on wasm.
 *
 *   npx tsx scripts/recipe-step-time.ts --recipe emoji64 --changes '{"discriminator":{...}}' [--steps 20] [--rounds 3] [--threads 2]
 *
 * Each round builds each trainer (`recipe.createTrainer`), trains 3 steps to warm up, then times
 * `--steps` steps of the recipe's batch size. Prints the milliseconds a step of every round and the
 * ratio of the medians (changed / recipe; of an even number of rounds, the mean of the middle two). The steps are the first of a run: a schedule that changes
 * the work later (a conditioning transition's class weights before its end) is timed at its start.
 */
import { useBackend } from '../src/backend/index.js';
import { type Recipe, byName } from '../src/recipes/index.js';
import { median } from '../bench/median.js';
import { jsonChanges } from './recipe-changes.js';
import { commandLine } from './script-flags.js';

const { values } = commandLine('scripts/recipe-step-time.ts', { values: ['recipe', 'changes', 'steps', 'rounds', 'threads'] });
if (values.changes === undefined) throw new Error('scripts/recipe-step-time.ts: --changes JSON is required: the change to time against the recipe');
const name = values.recipe ?? 'emoji64';
const steps = Number(values.steps ?? 20);
const rounds = Number(values.rounds ?? 3);
const threads = Number(values.threads ?? 2);
for (const [flag, value] of [['steps', steps], ['rounds', rounds], ['threads', threads]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`scripts/recipe-step-time.ts: --${flag} must be an integer >= 1, received ${values[flag]}`);
}

await useBackend('wasm', { threads });
const recipes: Record<'recipe' | 'changed', Recipe> = { recipe: byName(name), changed: byName(name, jsonChanges(values.changes)) };
const data = await recipes.recipe.loadData();
const batchSize = recipes.recipe.config.batchSize;
const times: Record<'recipe' | 'changed', number[]> = { recipe: [], changed: [] };
for (let round = 0; round < rounds; round++) {
  for (const which of ['recipe', 'changed'] as const) {
    const trainer = await recipes[which].createTrainer(data);
    for (let i = 0; i < 3; i++) await trainer.trainStep(data, batchSize);
    const start = performance.now();
    for (let i = 0; i < steps; i++) await trainer.trainStep(data, batchSize);
    times[which].push((performance.now() - start) / steps);
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  }
}
data.dispose();
const ms = (xs: readonly number[]): string => xs.map((x) => x.toFixed(0)).join(' / ');
console.log(`${name}, wasm with ${threads} threads, ${rounds} rounds of ${steps} steps of batch ${batchSize}, ms a step:`);
console.log(`  recipe:  ${ms(times.recipe)} (median ${median(times.recipe).toFixed(0)})`);
console.log(`  changed: ${ms(times.changed)} (median ${median(times.changed).toFixed(0)})`);
console.log(`  ratio of the medians, changed / recipe: ${(median(times.changed) / median(times.recipe)).toFixed(3)}`);
