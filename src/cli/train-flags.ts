/**
 * The flags of `tfjs-gan train`: each is the library option of the same name in kebab-case, with the
 * range or choices the library accepts, so that a bad value is refused before any data loads.
 *
 * @packageDocumentation
 */
import { ARCHITECTURE_NAMES, AUGMENT_DRAWS, AUXILIARY_CLASSIFIER_BATCHES, BACKEND_NAMES, FAKE_LABELS, TRAINER_DEFAULTS, augment, datasets, losses, penalties, recipes } from '../index.js';
import type { FlagSpec } from './args.js';
import { CLI_DATASETS } from './dataset-by-name.js';

const positiveInt = { type: 'number', integer: true, min: 1 } as const;
const rate = { type: 'number', min: 0, minExclusive: true } as const;
const fraction = { type: 'number', min: 0, max: 1 } as const;

/** The flags of `tfjs-gan train`; each maps to the library option of the same name in camelCase. */
export const TRAIN_FLAGS: Readonly<Record<string, FlagSpec>> = Object.freeze({
  config: { type: 'string', help: "a run's config.json (written into every run directory): its settings, which flags given here change" },
  recipe: {
    type: 'string',
    choices: recipes.RECIPE_NAMES,
    help: `a shipped recipe: ${recipes.RECIPE_NAMES.join(' | ')}; it sets the data, networks, loss, optimizers, schedule, steps and batch size (--steps, --batch-size and --seed change them)`,
  },
  // Data
  dataset: { type: 'string', choices: CLI_DATASETS, help: `training data: ${CLI_DATASETS.join(' | ')}`, default: 'mnist' },
  'data-path': { type: 'string', help: 'idx: images file; folder: image directory; fashion-mnist: IDX directory' },
  'labels-path': { type: 'string', help: 'idx: labels file' },
  count: { ...positiveInt, help: 'use only the first N samples of the dataset' },
  'image-size': { ...positiveInt, help: 'folder: resize images to N x N; oxygen-icons: their size (default 32); emoji: their size (default 64)' },
  labels: {
    type: 'string',
    help: `emoji: the classes, ${datasets.EMOJI_LABELS.join(' | ')} (9 categories | 98 Unicode subgroups such as heart, country-flag), or the categories with classes of one's own as JSON, e.g. '{"extraClasses":[{"name":"hearts","category":"Smileys & Emotion","subcategories":["heart"]}]}'; default category`,
  },
  // Networks
  arch: { type: 'string', choices: ARCHITECTURE_NAMES, help: `network family: ${ARCHITECTURE_NAMES.join(' | ')}`, default: 'dcgan' },
  conditional: { type: 'boolean', help: 'class-conditional networks (the dataset must have labels)' },
  conditioning: {
    type: 'string',
    help: 'with --conditional (implied): concat | cbn | concat-cbn | projection | acgan, or generator+discriminator such as cbn+projection; a single kind sets the network that has it, the other uses concat',
  },
  'latent-dim': { ...positiveInt, help: 'size of the latent vector (default: the builder default)' },
  width: { ...positiveInt, help: 'dcgan: filters of the widest-resolution layer; resnet, style: filters at the image resolution' },
  'spectral-norm': { type: 'boolean', help: "spectral normalisation of the discriminator's layers (dcgan, mlp, resnet)" },
  'minibatch-std-dev': { type: 'boolean', help: "a minibatch standard deviation feature before the discriminator's head (dcgan, mlp, resnet)" },
  'class-minibatch-std-dev': {
    type: 'boolean',
    help: "the standard deviation within each sample's class as one more feature before a conditional discriminator's head (conditioning concat or projection; dcgan, mlp, resnet)",
  },
  'auxiliary-classifier': {
    type: 'boolean',
    help: "an auxiliary classifier beside the projection discriminator's head (with --conditioning projection; dcgan, mlp, resnet), trained as ACGAN's",
  },
  packing: { ...positiveInt, help: 'PacGAN: the discriminator judges this many samples at once (dcgan, mlp, resnet; the batch size must be a multiple); with --conditional, groups of one class, one label each (not with --conditioning acgan or --auxiliary-classifier)' },
  // Objective
  loss: { type: 'string', choices: losses.LOSS_NAMES, help: `adversarial loss: ${losses.LOSS_NAMES.join(' | ')}`, default: 'non-saturating' },
  'auxiliary-classifier-weight': { type: 'number', min: 0, help: 'weight of the ACGAN classification loss (with --conditioning acgan or --auxiliary-classifier)', default: TRAINER_DEFAULTS.auxiliaryClassifierWeight },
  'auxiliary-classifier-batches': {
    type: 'string',
    choices: AUXILIARY_CLASSIFIER_BATCHES,
    help: "the batches the ACGAN classifier learns from (with --conditioning acgan or --auxiliary-classifier): real-and-fake | real (the real batch only)",
    default: 'real-and-fake',
  },
  'mode-seeking': {
    type: 'number',
    min: 0,
    help: "weight of MSGAN's mode-seeking term: the generator's batch is made in pairs asking for the same classes, and pairs that draw the same image cost it (default: none)",
  },
  'mode-seeking-pool': {
    ...positiveInt,
    help: 'with --mode-seeking: compare the pairs\' images averaged over blocks of this side (2 on 64x64 images: at 32x32), so that pixel noise does not count as a different picture; it must divide the image size (default: 1, pixels)',
  },
  'conditioning-transition': {
    type: 'string',
    help: 'START:END in steps, e.g. 1200:3600: train without the class before START, then fade it in to full at END (conditional runs; not with --conditioning acgan, --auxiliary-classifier or a path length penalty)',
  },
  penalty: { type: 'string', choices: penalties.PENALTY_NAMES, help: `a penalty of the discriminator: ${penalties.PENALTY_NAMES.join(' | ')}` },
  'penalty-options': { type: 'string', help: 'the penalty\'s options as JSON, e.g. \'{"gamma":1,"every":4}\' for r1' },
  augment: { type: 'string', help: `DiffAugment policy for the discriminator's inputs, comma-separated: ${augment.AUGMENTATIONS.join(',')}` },
  'augment-draws': { type: 'string', choices: AUGMENT_DRAWS, help: "with --augment: sample (every image its own shift, square and colour change) | class (the images of one class in a batch share them, so copies stay copies for the minibatch features; conditional runs)", default: 'sample' },
  'discriminator-steps': { ...positiveInt, help: 'discriminator steps per generator step', default: 1 },
  sampling: { type: 'string', choices: datasets.BATCH_SAMPLINGS, help: "how real batches are drawn: shuffle (the data's class proportions) | class-balanced (every class equally often) | class-sqrt (each class by the square root of its size); the last two labelled data", default: 'shuffle' },
  'fake-labels': { type: 'string', choices: FAKE_LABELS, help: "how the fakes' labels are drawn: uniform (every class equally often) | data (the real batches' class shares; labelled data) | data-for-discriminator (those for the discriminator's fakes, uniform for the generator's)", default: 'uniform' },
  // Optimisation
  steps: { ...positiveInt, help: 'generator steps to train', default: 1000 },
  epochs: { ...positiveInt, help: 'passes over the data (instead of --steps)' },
  'batch-size': { ...positiveInt, help: 'batch size (default: 64 for images, 256 for vectors)' },
  'generator-learning-rate': { ...rate, help: 'Adam learning rate of the generator (default: 2e-4 for images, 1e-3 for vectors)' },
  'discriminator-learning-rate': { ...rate, help: 'Adam learning rate of the discriminator (default: 2e-4 for images, 1e-3 for vectors)' },
  beta1: { ...fraction, max: 1, maxExclusive: true, help: "Adam's beta1 (default: 0.5 for images, 0 for vectors)" },
  beta2: { ...fraction, max: 1, maxExclusive: true, help: "Adam's beta2 (default: 0.999 for images, 0.99 for vectors)" },
  'lr-decay': { type: 'string', choices: ['none', 'linear'], help: 'learning-rate schedule: none | linear (constant until --lr-decay-start of the run, then down to --lr-decay-final times the rates)', default: 'none' },
  'lr-decay-start': { ...fraction, help: 'with --lr-decay linear: the fraction of the run after which the rates decay', default: 0.5 },
  'lr-decay-final': { ...fraction, help: 'with --lr-decay linear: the final multiple of the rates', default: 0.1 },
  'lr-decay-steps': { ...positiveInt, help: 'with --lr-decay linear: the steps the schedule spans (default: --steps of the new run; a resumed run keeps it)' },
  'ema-decay': { ...fraction, max: 1, maxExclusive: true, help: "keep a moving average of the generator's weights with this decay, e.g. 0.999 (default: none for images, 0.999 for vectors)" },
  'ema-start': { type: 'number', integer: true, min: 0, help: 'with --ema-decay: the first step that averages', default: 0 },
  'no-ema': { type: 'boolean', help: 'no moving average of the generator, even where the data kind has one by default' },
  seed: { type: 'number', integer: true, min: 0, help: 'seed of the run (weights, batches, latents)', default: 42 },
  // The run
  out: { type: 'string', short: 'o', help: 'run directory: checkpoint, config.json, samples/, metrics.jsonl', default: 'runs/latest' },
  resume: {
    type: 'boolean',
    help: 'continue the run saved in --out for --steps more steps; it keeps its data, networks, loss and seed (flags that differ are refused), and may change --batch-size, the learning rates, --sample-every and --checkpoint-every',
  },
  force: { type: 'boolean', help: 'start a new run even if --out holds one: first deletes its checkpoint (gan.json, weights), config.json, metrics.jsonl and samples/' },
  backend: { type: 'string', choices: BACKEND_NAMES, help: `${BACKEND_NAMES.join(' | ')} (default: fastest available)` },
  'sample-every': { ...positiveInt, help: 'write a sample grid every N steps', default: 100 },
  'checkpoint-every': { ...positiveInt, help: 'save a checkpoint every N steps', default: 500 },
});
