/**
 * The cache of real-data features: computing the features of 10,000 real images takes seconds, and
 * every evaluation of every run needs the same ones. Entries are kept in memory, and in Node also on
 * disk, keyed by the dataset (name, size, a fingerprint of its content), the number and choice of
 * samples, and the extractor's id.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import { fnv1a } from '../util/checksum.js';
import type { FeatureExtractor } from './feature-extractor.js';
import { type FeatureMatrix, type GaussianStatistics, gaussianStatistics } from './feature-matrix.js';
import { kthNeighbourSquaredRadii } from './nearest-neighbours.js';
import { datasetFeatures } from './sample-features.js';
import { importNodeModule } from '../util/node-module.js';

/** Where and whether the reference features are cached. */
export interface ReferenceCacheOptions {
  /**
   * The directory of the disk cache (Node), or `false` for memory only.
   * @defaultValue `$TFJS_GAN_CACHE_DIR`, else `<os.tmpdir()>/tfjs-gan-cache`
   */
  readonly dir?: string | false;
}

/** The cached features of a real sample set, with statistics and k-NN radii computed on demand. */
export class ReferenceFeatures {
  /** The cache key. */
  readonly key: string;
  /** The features `[count, dim]`. */
  readonly features: FeatureMatrix;
  /** The labels of the samples, when the dataset has them. */
  readonly labels?: Int32Array;
  private stats?: GaussianStatistics;
  private readonly radii = new Map<number, Float32Array>();

  constructor(key: string, features: FeatureMatrix, labels?: Int32Array) {
    this.key = key;
    this.features = features;
    this.labels = labels;
  }

  /** Mean and covariance of the features (computed once). */
  get statistics(): GaussianStatistics {
    this.stats ??= gaussianStatistics(this.features);
    return this.stats;
  }

  /** Squared distances to the k-th nearest neighbour (computed once per k). */
  squaredRadii(k: number): Float32Array {
    let radii = this.radii.get(k);
    if (radii === undefined) {
      radii = kthNeighbourSquaredRadii(this.features, k);
      this.radii.set(k, radii);
    }
    return radii;
  }
}

const memory = new Map<string, ReferenceFeatures>();

/** Empties the in-memory cache (the disk cache stays). */
export function clearReferenceCache(): void {
  memory.clear();
}

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** The disk cache directory in Node, or undefined when there is none. */
export async function referenceCacheDir(options: ReferenceCacheOptions = {}): Promise<string | undefined> {
  if (options.dir === false || !isNode()) return undefined;
  if (typeof options.dir === 'string') return options.dir;
  const fromEnv = process.env.TFJS_GAN_CACHE_DIR;
  if (fromEnv) return fromEnv;
  const os = await importNodeModule('os');
  const path = await importNodeModule('path');
  return path.join(os.tmpdir(), 'tfjs-gan-cache');
}

/** A short fingerprint of a dataset's content: a hash of 16 evenly spaced samples and its labels. */
async function fingerprint(dataset: Dataset): Promise<string> {
  const picks = Int32Array.from({ length: Math.min(16, dataset.size) }, (_, i) =>
    Math.floor((i * (dataset.size - 1)) / Math.max(1, Math.min(16, dataset.size) - 1)),
  );
  const sample = tf.tidy(() => tf.gather(dataset.images, tf.tensor1d(picks, 'int32')));
  const values = (await sample.data()) as Float32Array;
  sample.dispose();
  const parts = [new Uint8Array(values.buffer, values.byteOffset, values.byteLength)];
  if (dataset.labels) {
    const labels = (await dataset.labels.data()) as Int32Array;
    parts.push(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return fnv1a(bytes);
}

/** The cache key of a dataset's features: readable, and safe as a file name. */
export async function referenceKey(dataset: Dataset, extractorId: string, count: number, seed: number | undefined): Promise<string> {
  const raw = `${dataset.name}-${dataset.size}-n${count}-${seed === undefined ? 'first' : `s${seed}`}-${await fingerprint(dataset)}-${extractorId}`;
  return raw.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * The features of `count` samples of a real dataset under an extractor, from the cache when there (in
 * memory, then on disk), else computed and cached.
 *
 * @param dataset - the real data.
 * @param extractor - the feature extractor; undefined uses the flattened samples and skips the disk.
 * @param options - `count` (default: all, at most 10,000), `seed` (a random subset; default the first
 *   `count`), `cache` (see {@link ReferenceCacheOptions}).
 * @returns the cached entry.
 */
export async function referenceFeatures(
  dataset: Dataset,
  extractor: FeatureExtractor | undefined,
  options: { count?: number; seed?: number; cache?: ReferenceCacheOptions | false } = {},
): Promise<ReferenceFeatures> {
  const count = options.count ?? Math.min(dataset.size, 10_000);
  const key = await referenceKey(dataset, extractor?.id ?? 'samples', count, options.seed);
  const cached = memory.get(key);
  if (cached) return cached;
  const dir = options.cache === false || extractor === undefined ? undefined : await referenceCacheDir(options.cache);
  let entry = dir === undefined ? undefined : await readEntry(dir, key);
  if (entry === undefined) {
    const { features, labels } = await datasetFeatures(dataset, extractor, { count, seed: options.seed });
    entry = new ReferenceFeatures(key, features, labels);
    if (dir !== undefined) await writeEntry(dir, entry);
  }
  if (options.cache !== false) memory.set(key, entry);
  return entry;
}

interface EntryHeader {
  readonly format: 'tfjs-gan-reference-features';
  readonly version: 1;
  readonly key: string;
  readonly count: number;
  readonly dim: number;
  readonly labels: boolean;
}

async function readEntry(dir: string, key: string): Promise<ReferenceFeatures | undefined> {
  try {
    const fs = await importNodeModule('fs/promises');
    const header = JSON.parse(await fs.readFile(`${dir}/${key}.json`, 'utf8')) as EntryHeader;
    if (header.format !== 'tfjs-gan-reference-features' || header.version !== 1 || header.key !== key) return undefined;
    const bytes = await fs.readFile(`${dir}/${key}.bin`);
    const featureBytes = header.count * header.dim * 4;
    const expected = featureBytes + (header.labels ? header.count * 4 : 0);
    if (bytes.byteLength !== expected) return undefined;
    const copy = new Uint8Array(bytes).buffer;
    const data = new Float32Array(copy, 0, header.count * header.dim);
    const labels = header.labels ? new Int32Array(copy, featureBytes, header.count) : undefined;
    return new ReferenceFeatures(key, { data, count: header.count, dim: header.dim }, labels);
  } catch {
    return undefined;
  }
}

async function writeEntry(dir: string, entry: ReferenceFeatures): Promise<void> {
  try {
    const fs = await importNodeModule('fs/promises');
    await fs.mkdir(dir, { recursive: true });
    const { data, count, dim } = entry.features;
    const featureBytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const labelBytes = entry.labels ? new Uint8Array(entry.labels.buffer, entry.labels.byteOffset, entry.labels.byteLength) : undefined;
    const bytes = new Uint8Array(featureBytes.byteLength + (labelBytes?.byteLength ?? 0));
    bytes.set(featureBytes);
    if (labelBytes) bytes.set(labelBytes, featureBytes.byteLength);
    const header: EntryHeader = { format: 'tfjs-gan-reference-features', version: 1, key: entry.key, count, dim, labels: labelBytes !== undefined };
    // Write both files under temporary names, then rename: a reader never sees half a file.
    const suffix = `.tmp-${process.pid}-${Date.now().toString(36)}`;
    await fs.writeFile(`${dir}/${entry.key}.bin${suffix}`, bytes);
    await fs.rename(`${dir}/${entry.key}.bin${suffix}`, `${dir}/${entry.key}.bin`);
    await fs.writeFile(`${dir}/${entry.key}.json${suffix}`, JSON.stringify(header));
    await fs.rename(`${dir}/${entry.key}.json${suffix}`, `${dir}/${entry.key}.json`);
  } catch {
    // The disk cache is an optimisation: a read-only or full disk only costs recomputation.
  }
}
