/**
 * The cache of real-data features: computing the features of 10,000 real images takes seconds, and
 * every evaluation of every run needs the same ones. Entries are kept in memory, and in Node also on
 * disk, keyed by a content hash: SHA-256 of every sample and label of the dataset, the number and
 * choice of samples, and the extractor's id and weights. On disk they live in a directory of the
 * user's own (`<os.tmpdir()>/tfjs-gan-cache-<uid>`, 0700), each with the SHA-256 of its bytes: an entry
 * that fails its checks is never used but computed again, with a warning.
 *
 * @packageDocumentation
 */
import type { Dataset } from '../data/dataset.js';
import { checkCacheFile, defaultCacheDir, prepareCacheDir } from './cache-dir.js';
import { datasetHash, hashParts, sha256Hex } from './content-hash.js';
import type { FeatureExtractor } from './feature-extractor.js';
import { type FeatureMatrix, type GaussianStatistics, gaussianStatistics } from './feature-matrix.js';
import { kthNeighbourSquaredRadii } from './nearest-neighbours.js';
import { datasetFeatures } from './sample-features.js';
import { importNodeModule } from '../util/node-module.js';

/** Where and whether the reference features are cached. */
export interface ReferenceCacheOptions {
  /**
   * The directory of the disk cache (Node), or `false` for memory only. A directory that is a symbolic
   * link, that another user owns, or that others (group or world) can write to is not used (a warning
   * says why): features planted there would be trusted.
   * @defaultValue `$TFJS_GAN_CACHE_DIR`, else `<os.tmpdir()>/tfjs-gan-cache-<uid>` (created 0700)
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
  return defaultCacheDir();
}

/** Directories already refused, so that each is warned about once per process. */
const refused = new Set<string>();

/** The cache directory when it is safe to use (created if missing), else undefined after a warning. */
async function usableCacheDir(options: ReferenceCacheOptions = {}): Promise<string | undefined> {
  const dir = await referenceCacheDir(options);
  if (dir === undefined) return undefined;
  const isDefault = typeof options.dir !== 'string' && !process.env.TFJS_GAN_CACHE_DIR;
  const problem = await prepareCacheDir(dir, isDefault);
  if (problem === undefined) return dir;
  if (!refused.has(dir)) {
    refused.add(dir);
    console.warn(`tfjs-gan: not using the reference-feature cache directory ${JSON.stringify(dir)}: ${problem}. The features are computed and kept in memory only.`);
  }
  return undefined;
}

/**
 * The cache key of a dataset's features: a readable prefix (dataset name, size, count, choice of samples
 * and extractor id), then a SHA-256 of everything the features depend on, safe as a file name.
 */
export async function referenceKey(dataset: Dataset, extractor: FeatureExtractor | undefined, count: number, seed: number | undefined): Promise<string> {
  const extractorId = extractor?.id ?? 'samples';
  const weights = extractor?.weightsHash === undefined ? 'no weights hash' : await extractor.weightsHash();
  const content = await hashParts([
    'tfjs-gan reference features v2',
    await datasetHash(dataset),
    `count ${count}`,
    seed === undefined ? 'first' : `seed ${seed}`,
    `extractor ${extractorId}`,
    weights,
  ]);
  const raw = `${dataset.name}-${dataset.size}-n${count}-${seed === undefined ? 'first' : `s${seed}`}-${content}-${extractorId}`;
  return raw.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 200);
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
  const key = await referenceKey(dataset, extractor, count, options.seed);
  const cached = memory.get(key);
  if (cached) return cached;
  const dir = options.cache === false || extractor === undefined ? undefined : await usableCacheDir(options.cache);
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
  readonly version: 2;
  readonly key: string;
  readonly count: number;
  readonly dim: number;
  readonly labels: boolean;
  /** SHA-256 of the `.bin` file's bytes. */
  readonly sha256: string;
}

/**
 * Reads a cache entry and checks it: header, key, size and SHA-256 of the data. A missing entry is a
 * plain miss; anything else that fails is reported in a warning and never used.
 */
async function readEntry(dir: string, key: string): Promise<ReferenceFeatures | undefined> {
  const fs = await importNodeModule('fs/promises');
  const path = await importNodeModule('path');
  const headerPath = path.join(dir, `${key}.json`);
  const binPath = path.join(dir, `${key}.bin`);
  const ignore = (reason: string): undefined => {
    console.warn(`tfjs-gan: ignoring the cached reference features ${JSON.stringify(binPath)}: ${reason}. Computing them again.`);
    return undefined;
  };
  let headerText: string;
  let bytes: Uint8Array;
  try {
    const headerStats = await fs.lstat(headerPath);
    const binStats = await fs.lstat(binPath);
    const problem = checkCacheFile(headerStats) ?? checkCacheFile(binStats);
    if (problem !== undefined) return ignore(problem);
    headerText = await fs.readFile(headerPath, 'utf8');
    bytes = new Uint8Array(await fs.readFile(binPath));
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ENOENT') return undefined;
    return ignore(`it cannot be read (${String(cause)})`);
  }
  let header: Partial<EntryHeader>;
  try {
    header = JSON.parse(headerText) as Partial<EntryHeader>;
  } catch {
    return ignore('its header is not JSON');
  }
  if (header === null || typeof header !== 'object' || header.format !== 'tfjs-gan-reference-features' || header.version !== 2) {
    return ignore('its header is not a version 2 reference-features header');
  }
  if (header.key !== key) return ignore(`its header names another key (${JSON.stringify(header.key)})`);
  const { count, dim } = header;
  if (!Number.isInteger(count) || !Number.isInteger(dim) || (count as number) < 1 || (dim as number) < 1 || typeof header.labels !== 'boolean') {
    return ignore('its header has a bad count, dim or labels field');
  }
  const featureBytes = (count as number) * (dim as number) * 4;
  const expected = featureBytes + (header.labels ? (count as number) * 4 : 0);
  if (bytes.byteLength !== expected) return ignore(`it holds ${bytes.byteLength} bytes, its header says ${expected}`);
  const checksum = await sha256Hex(bytes);
  if (checksum !== header.sha256) return ignore(`its SHA-256 ${checksum} differs from the one stored with it`);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, (count as number) * (dim as number));
  const labels = header.labels ? new Int32Array(bytes.buffer, bytes.byteOffset + featureBytes, count as number) : undefined;
  return new ReferenceFeatures(key, { data, count: count as number, dim: dim as number }, labels);
}

async function writeEntry(dir: string, entry: ReferenceFeatures): Promise<void> {
  try {
    const fs = await importNodeModule('fs/promises');
    const path = await importNodeModule('path');
    const { data, count, dim } = entry.features;
    const featureBytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const labelBytes = entry.labels ? new Uint8Array(entry.labels.buffer, entry.labels.byteOffset, entry.labels.byteLength) : undefined;
    const bytes = new Uint8Array(featureBytes.byteLength + (labelBytes?.byteLength ?? 0));
    bytes.set(featureBytes);
    if (labelBytes) bytes.set(labelBytes, featureBytes.byteLength);
    const header: EntryHeader = {
      format: 'tfjs-gan-reference-features', version: 2, key: entry.key, count, dim, labels: labelBytes !== undefined, sha256: await sha256Hex(bytes),
    };
    // Write both files under new temporary names (0600), then rename: a reader never sees half a file,
    // and the header that names the checksum comes last.
    const suffix = `.tmp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    for (const [name, content] of [[`${entry.key}.bin`, bytes], [`${entry.key}.json`, JSON.stringify(header)]] as const) {
      const target = path.join(dir, name);
      try {
        await fs.writeFile(`${target}${suffix}`, content, { mode: 0o600, flag: 'wx' });
        await fs.rename(`${target}${suffix}`, target);
      } catch (cause) {
        await fs.rm(`${target}${suffix}`, { force: true }).catch(() => undefined); // no partial file stays behind
        throw cause;
      }
    }
  } catch {
    // The disk cache is an optimisation: a read-only or full disk only costs recomputation.
  }
}
