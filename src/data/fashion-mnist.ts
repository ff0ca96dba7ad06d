/**
 * Fashion-MNIST (Xiao et al. 2017, arXiv:1708.07747): 70,000 28x28 grayscale images of clothing in
 * 10 classes, read from IDX files such as those of Debian's `dataset-fashion-mnist` package.
 *
 * @packageDocumentation
 */
import { DataError, ConfigError, describeValue } from '../errors.js';
import { nodeFs } from '../io/fs.js';
import type { Dataset } from './dataset.js';
import { idx } from './idx.js';
import { checkOptions } from '../util/validate.js';

/** Fashion-MNIST's class names, by class id. */
export const FASHION_MNIST_CLASS_NAMES = Object.freeze([
  't-shirt',
  'trouser',
  'pullover',
  'dress',
  'coat',
  'sandal',
  'shirt',
  'sneaker',
  'bag',
  'ankle-boot',
] as const);

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

/** Options of {@link fashionMnist}. */
export interface FashionMnistOptions {
  /**
   * `'train'` (60,000 images) or `'test'` (10,000).
   * @defaultValue 'train'
   */
  readonly split?: 'train' | 'test';
  /**
   * The directory holding `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`.
   * @defaultValue {@link FASHION_MNIST_DEFAULT_DIR}
   */
  readonly dir?: string;
  /**
   * Keep only the first `count` samples, e.g. for fast tests.
   * @defaultValue all samples of the split
   */
  readonly count?: number;
}

/**
 * Loads Fashion-MNIST (Node): `[N, 28, 28, 1]` in [-1, 1], int32 labels, 10 classes named by
 * {@link FASHION_MNIST_CLASS_NAMES}. Gzipped and plain files are both found.
 *
 * @param options - see {@link FashionMnistOptions}.
 * @returns the dataset, named `'fashion-mnist-train'` or `'fashion-mnist-test'`.
 * @throws DataError when the files are missing (with how to install them) or corrupt.
 * @throws ConfigError on bad options.
 * @example
 * ```ts
 * // apt-get install dataset-fashion-mnist
 * const data = await fashionMnist({ split: 'test' });   // 10000 x [28, 28, 1], 10 classes
 * ```
 */
export async function fashionMnist(options?: FashionMnistOptions): Promise<Dataset> {
  const owner = 'fashionMnist';
  const opts = checkOptions(options, ['split', 'dir', 'count'], owner);
  const split = opts.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new ConfigError(`${owner}: 'split' must be 'train' or 'test', received ${describeValue(split)}.`);
  }
  const dir = opts.dir ?? FASHION_MNIST_DEFAULT_DIR;
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new ConfigError(`${owner}: 'dir' must be a directory path, received ${describeValue(dir)}.`);
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesPath = await findFile(dir, `${prefix}-images-idx3-ubyte`, owner);
  const labelsPath = await findFile(dir, `${prefix}-labels-idx1-ubyte`, owner);
  return idx(imagesPath, labelsPath, {
    classNames: FASHION_MNIST_CLASS_NAMES,
    name: `fashion-mnist-${split}`,
    ...(opts.count !== undefined ? { count: opts.count } : {}),
  });
}

/** The path of `base.gz` or `base` in `dir`, whichever exists. */
async function findFile(dir: string, base: string, owner: string): Promise<string> {
  const fs = await nodeFs(owner);
  const candidates = [`${dir}/${base}.gz`, `${dir}/${base}`];
  for (const candidate of candidates) {
    try {
      await fs.access(candidate);
      return candidate;
    } catch {
      // try the next name
    }
  }
  throw new DataError(
    `${owner}: cannot find ${describeValue(candidates)}. On Debian or Ubuntu install the files with ` +
      `'apt-get install dataset-fashion-mnist' (into ${FASHION_MNIST_DEFAULT_DIR}), or pass the 'dir' option ` +
      'where the IDX files from https://github.com/zalandoresearch/fashion-mnist are.',
  );
}
