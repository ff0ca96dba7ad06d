/**
 * The Oxygen icon theme as a colour image dataset: 587 distinct hand-drawn 64x64 RGBA icons in 9 categories
 * (symbolic-link aliases skipped), installed by Debian's `oxygen-icon-theme` package, so no download at run time.
 *
 * @packageDocumentation
 */
import { ConfigError, DataError, describeValue } from '../errors.js';
import { nodeFs } from '../io/fs.js';
import type { Dataset } from './dataset.js';
import { imageFolder } from './image-folder.js';
import { checkInt, checkOptions } from '../util/validate.js';

/** Where Debian's `oxygen-icon-theme` puts its 64x64 icons, one subfolder per category. */
export const OXYGEN_ICONS_DEFAULT_DIR = '/usr/share/icons/oxygen/base/64x64';

/** Options of {@link oxygenIcons}. */
export interface OxygenIconsOptions {
  /** Side of the square images: the 64x64 icons are resized (bilinear) to it. @defaultValue 32 */
  readonly size?: number;
  /** The folder of category subfolders. @defaultValue {@link OXYGEN_ICONS_DEFAULT_DIR} */
  readonly dir?: string;
  /** The gray level (0..255) or [r, g, b] that transparency is composited over. @defaultValue 255 (white) */
  readonly background?: number | readonly [number, number, number];
  /** Keep only the first `count` icons (categories by name, files by name). @defaultValue all */
  readonly count?: number;
}

/**
 * Loads the Oxygen icons (KDE's Oxygen theme, LGPL-3) as an RGB {@link Dataset} in [-1, 1], labelled by
 * category (`actions`, `apps`, `categories`, `devices`, `emblems`, `emotes`, `mimetypes`, `places`,
 * `status`). Real, varied colour images that install from Debian: `apt-get install oxygen-icon-theme`.
 *
 * @returns `[N, size, size, 3]` images with their category labels; call `dispose()` when done.
 * @throws DataError when the folder is missing (with the install command), ConfigError on bad options.
 * @example
 * ```ts
 * const icons = await datasets.oxygenIcons({ size: 32 });   // 587 x [32, 32, 3]
 * ```
 */
export async function oxygenIcons(options?: OxygenIconsOptions): Promise<Dataset> {
  const owner = 'oxygenIcons';
  const opts = checkOptions(options, ['size', 'dir', 'background', 'count'], owner);
  const size = checkInt(opts.size ?? 32, 'size', owner, 1);
  const dir = opts.dir ?? OXYGEN_ICONS_DEFAULT_DIR;
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new ConfigError(`${owner}: 'dir' must be a directory path, received ${describeValue(dir)}.`);
  }
  const fs = await nodeFs(owner);
  try {
    await fs.access(dir);
  } catch {
    throw new DataError(
      `${owner}: cannot find the folder ${describeValue(dir)}. On Debian or Ubuntu install the icons with ` +
        `'apt-get install oxygen-icon-theme' (into ${OXYGEN_ICONS_DEFAULT_DIR}), or pass the 'dir' option.`,
    );
  }
  return imageFolder(dir, {
    size: [size, size],
    crop: 'center',
    channels: 3,
    name: `oxygen-icons-${size}`,
    ...(opts.background !== undefined ? { background: opts.background } : {}),
    ...(opts.count !== undefined ? { limit: checkInt(opts.count, 'count', owner, 1) } : {}),
  });
}
