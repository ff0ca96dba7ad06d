/**
 * The networks the benchmark trains: the DCGAN-MNIST reference of the performance issues (and of the
 * PyTorch script bench/pytorch_dcgan.py), the library's default MNIST preset, and the MLP preset.
 */
import { Discriminator, Generator } from '../src/nets/index.js';

export interface BenchPreset {
  readonly name: string;
  readonly batchSize: number;
  /** Approximate FLOPs of one training step (D step on real and fake, G step), for GFLOP/s. */
  readonly flopsPerStep?: number;
  build(): { generator: Generator; discriminator: Discriminator };
}

/** FLOPs of one conv/convT layer's forward pass. */
const convFlops = (batch: number, outPixels: number, kernel: number, cin: number, cout: number): number =>
  2 * batch * outPixels * kernel * kernel * cin * cout;

/**
 * G = dense 100 -> 7x7x128, BN, convT 64 k5 s2, BN, convT 1 k5 s2; D = conv 64 k5 s2, conv 128 k5 s2,
 * dense 1; batch 64. A training step runs each conv forward 3 times (G for D, D real, D fake, G step: D
 * forward twice more) and backward ~2x forward: about 17.6 GFLOP.
 */
export const DCGAN_MNIST_REFERENCE: BenchPreset = {
  name: 'dcgan-mnist (reference: width 64, k5)',
  batchSize: 64,
  flopsPerStep: (() => {
    const b = 64;
    const g = convFlops(b, 14 * 14, 5, 128, 64) + convFlops(b, 28 * 28, 5, 64, 1) + 2 * b * 100 * 6272;
    const d = convFlops(b, 14 * 14, 5, 1, 64) + convFlops(b, 7 * 7, 5, 64, 128) + 2 * b * 6272;
    // D step: G forward + D forward/backward on real and fake (3x each); G step: G and D forward/backward.
    return g + 2 * 3 * d + 3 * g + 3 * d;
  })(),
  build: () => ({
    generator: Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 100, width: 64, kernelSize: 5, seed: 1 }),
    discriminator: Discriminator.dcgan({ imageShape: [28, 28, 1], width: 64, kernelSize: 5, seed: 2 }),
  }),
};

/** The library's default DCGAN for MNIST (width 32, 4x4 kernels), used by the MNIST example. */
export const DCGAN_MNIST_DEFAULT: BenchPreset = {
  name: 'dcgan-mnist (default: width 32, k4)',
  batchSize: 64,
  build: () => ({
    generator: Generator.dcgan({ imageShape: [28, 28, 1], seed: 1 }),
    discriminator: Discriminator.dcgan({ imageShape: [28, 28, 1], seed: 2 }),
  }),
};

/** The MLP pair on 2-D points with its defaults, batch 256. */
export const MLP_TOY: BenchPreset = {
  name: 'mlp-2d (defaults)',
  batchSize: 256,
  build: () => ({
    generator: Generator.mlp({ outputShape: [2], seed: 1 }),
    discriminator: Discriminator.mlp({ inputShape: [2], seed: 2 }),
  }),
};

/** The presets by the keys the scripts' `--presets` / `--preset` options take. */
export const PRESETS_BY_KEY: Readonly<Record<string, BenchPreset>> = Object.freeze({
  reference: DCGAN_MNIST_REFERENCE,
  default: DCGAN_MNIST_DEFAULT,
  mlp: MLP_TOY,
});

/** The presets of a comma-separated list of keys. @throws Error naming an unknown key. */
export function presetsFromList(list: string, allowed: readonly string[] = Object.keys(PRESETS_BY_KEY)): BenchPreset[] {
  return list.split(',').map((key) => {
    const preset = allowed.includes(key) ? PRESETS_BY_KEY[key] : undefined;
    if (!preset) throw new Error(`unknown preset ${key}; expected ${allowed.join(', ')}`);
    return preset;
  });
}

/** The key of a preset in {@link PRESETS_BY_KEY}. */
export function presetKey(preset: BenchPreset): string {
  const entry = Object.entries(PRESETS_BY_KEY).find(([, p]) => p === preset);
  if (!entry) throw new Error(`preset ${preset.name} has no key`);
  return entry[0];
}
