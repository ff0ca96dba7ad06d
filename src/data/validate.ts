/**
 * The argument checks of the data loaders, which are the shared ones of `util/validate.ts`.
 * Internal: not re-exported from the package.
 *
 * @deprecated Import from `util/validate.ts`; this re-export remains for files not yet migrated.
 * @packageDocumentation
 */
export { checkInt, checkOptions, checkClassNames } from '../util/validate.js';
