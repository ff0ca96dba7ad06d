/**
 * Datasets: embedded MNIST, IDX files (Fashion-MNIST), the Twitter emoji, image folders, 2-D toy mixtures, in-memory
 * tensors, and in a browser images, picked files and folders; all as a {@link Dataset} with stateless
 * seeded batching. The package exposes this module as the `datasets` namespace.
 *
 * @packageDocumentation
 */
export { Dataset, fromTensors } from './dataset.js';
export type { DatasetBatch, FromTensorsOptions, LabelsLike } from './dataset.js';
export { BATCH_SAMPLINGS, ClassBalancedSampler } from './class-balanced-sampler.js';
export { ClassShareSampler, sqrtClassShares } from './class-share-sampler.js';
export type { BatchSampling } from './class-balanced-sampler.js';
export { mnist, MNIST_CLASS_NAMES, MNIST_SHUFFLE_SEED } from './mnist.js';
export type { MnistOptions } from './mnist.js';
export { idx, readIdx, parseIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, DEFAULT_IDX_MAX_BYTES } from './idx.js';
export type { IdxOptions, IdxSource, IdxArray } from './idx.js';
export { fashionMnist, FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_DEFAULT_DIR } from './fashion-mnist.js';
export type { FashionMnistOptions } from './fashion-mnist.js';
export { imageFolder, IMAGE_EXTENSIONS } from './image-folder.js';
export { fromImages } from './from-images.js';
export type { DrawableImage, FromImagesOptions, ImageSource, RgbaPixels } from './from-images.js';
export { fromDirectoryHandle, fromFiles } from './from-files.js';
export type { DirectoryHandleLike, FileHandleLike, FromFilesOptions } from './from-files.js';
export type { ImageFolderOptions } from './image-folder.js';
export { toy2d, toy2dModes, TOY2D_NAMES, TOY2D_DEFAULTS } from './toy2d.js';
export type { Toy2dName, Toy2dModes, Toy2dOptions } from './toy2d.js';
export { modeCoverage } from './mode-coverage.js';
export type { ModeCoverage, ModeCoverageOptions } from './mode-coverage.js';
export { oxygenIcons, OXYGEN_ICONS_DEFAULT_DIR } from './oxygen-icons.js';
export { emoji } from './emoji.js';
export type { EmojiFile, EmojiOptions } from './emoji.js';
export { EMOJI_CATEGORIES, EMOJI_PACKAGE } from './emoji-catalog.js';
export type { EmojiCategory, EmojiEntry } from './emoji-catalog.js';
export { emojiCategoryIds, type EmojiExtraClass, type EmojiExtraClasses } from './emoji-classes.js';
export { EMOJI_LABELS, EMOJI_SUBCATEGORIES, EMOJI_SUBCATEGORIES_BY_CATEGORY, EMOJI_SUBCATEGORY_CATEGORY_IDS, type EmojiLabels, emojiSubcategoryCategory } from './emoji-subcategories.js';
export type { OxygenIconsOptions } from './oxygen-icons.js';
export { NAMED_DATASETS, DATASET_NAMES, checkLabeling, datasetByName } from './dataset-registry.js';
export type { DatasetRequest, NamedDataset } from './dataset-registry.js';
