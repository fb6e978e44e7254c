import type { LocalizedText } from '@vtm/shared';
import type { Locale } from './messages.ts';

/** Fills {name} placeholders in a message. */
export function format(message: string, values: Record<string, string | number>): string {
  return message.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** The text in the kiosk's language. */
export const localized = (text: LocalizedText, locale: Locale) => text[locale];
