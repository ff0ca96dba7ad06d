/** The `--changes JSON` flag of the recipe scripts: other changes of a recipe's config. */
import type { RecipeConfig } from '../src/recipes/index.js';

/**
 * The --changes JSON as recipe changes, its top-level nulls as undefined (the field left out: JSON has no
 * undefined), e.g. '{"pretrainedFeatures":null}'.
 * @throws Error naming the flag when the text is not a JSON object.
 */
export function jsonChanges(text: string): Partial<RecipeConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`--changes must be a JSON object of recipe fields, received ${text}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`--changes must be a JSON object of recipe fields, received ${text}`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, value === null ? undefined : value])) as Partial<RecipeConfig>;
}
