import { WorldRuleCode, WorldRuleError } from './world-rule.error';

/** Longest tag a customer keeps (as Jobber's tag labels). */
const MAX_TAG_LENGTH = 100;

/**
 * `tags` as a customer keeps them: trimmed, each once. None → no field at all; with `clear` (an update),
 * the field set to undefined so the record drops the tags it had.
 */
export function tagsField(tags: readonly string[] | undefined, clear = false): { tags?: string[] } {
  const unique = [...new Set((tags ?? []).map((t) => t.trim()).filter((t) => t !== ''))];
  const tooLong = unique.find((t) => t.length > MAX_TAG_LENGTH);
  if (tooLong !== undefined) {
    throw new WorldRuleError(
      WorldRuleCode.InvalidValue,
      `customer.tags: a tag is at most ${MAX_TAG_LENGTH} characters`,
      { entity: 'customer', field: 'tags', value: tooLong.slice(0, 40) },
    );
  }
  if (unique.length > 0) return { tags: unique };
  return clear ? { tags: undefined } : {};
}
