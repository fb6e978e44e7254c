/**
 * How deeply a signaling frame nests arrays and objects, read from its text before it is
 * parsed: deep nesting is cheap to send and dear to handle (parsing 64 KiB of `[` takes
 * milliseconds; cloning or stringifying it later overflows the stack).
 */

/** True when the JSON text nests arrays and objects more than `limit` levels deep (brackets inside strings do not count). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
