/**
 * `--labels`: the emoji's classes, a named labelling (`category`, `subcategory`) or classes of one's own as
 * JSON (`{"extraClasses": [...]}`, see `datasets.EmojiExtraClasses`).
 *
 * @packageDocumentation
 */
import { ConfigError, type datasets, describeValue } from '../index.js';

/**
 * The labels `--labels` (or a run's saved setting) names: the string as it is, or the JSON object it
 * holds when it starts with `{`. The dataset checks what they say.
 * @throws ConfigError when the JSON does not parse.
 */
export function labelsFlag(value: unknown): datasets.EmojiLabels | undefined {
  if (typeof value !== 'string' || !value.trimStart().startsWith('{')) return value as datasets.EmojiLabels | undefined;
  try {
    return JSON.parse(value) as datasets.EmojiLabels;
  } catch (cause) {
    throw new ConfigError(`tfjs-gan: --labels must be category, subcategory or a JSON object {"extraClasses": [...]}, received ${describeValue(value)} (${cause instanceof Error ? cause.message : String(cause)}).`, { cause });
  }
}

/** The saved form of labels: a named labelling as it is, classes of one's own as JSON (what {@link labelsFlag} reads). */
export function labelsSetting(labels: datasets.EmojiLabels): string {
  return typeof labels === 'string' ? labels : JSON.stringify(labels);
}
