/**
 * Personal data as lists, receipts and logs may show it: enough for staff to recognise a
 * customer, not enough for a passer-by to learn who they are.
 */

/** 张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜; Latin names: ERIKSSON ANNA → E******* A***. */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (/^[\p{Script=Han}·]+$/u.test(trimmed)) {
    const chars = Array.from(trimmed);
    if (chars.length <= 1) return '*';
    if (chars.length === 2) return `${chars[0]}*`;
    return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
  }
  const masked = trimmed
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${Array.from(word)[0]}${'*'.repeat(Math.max(1, Array.from(word).length - 1))}`)
    .join(' ');
  return masked || '*';
}

/** 110105194912310025 → 110105********0025 (region code and last four kept). */
export function maskDocumentNumber(number: string): string {
  const chars = Array.from(number.trim());
  if (chars.length <= 8) return '*'.repeat(chars.length);
  return `${chars.slice(0, 6).join('')}${'*'.repeat(chars.length - 10)}${chars.slice(-4).join('')}`;
}
