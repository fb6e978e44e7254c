/**
 * What of a session's timeline could identify the customer, and how it is redacted at the
 * end of retention. The timeline is part of the record and stays: steps, times, ids,
 * codes, levels and hashes say nothing about who the customer was. The payloads built by
 * the server were checked field by field (sfu/src/sessions, sfu/src/workflow,
 * sfu/src/evidence): identity events carry the document kind and which fields were
 * corrected, never their values. What can carry a name, a number or an address is free
 * text, typed by the teller or written by the customer; that goes.
 */
import type { EventRecord } from '../storage/repositories.ts';

/** Put in place of removed text: the field stays (readers keep working) and says why it is empty. */
export const REDACTED = '[removed at the end of retention]';

/** Event type → payload fields that may hold personal data. */
export const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  /** The teller's note on the identity check. */
  'identity.verified': ['note'],
  'identity.failed': ['note'],
  /** The teller's note closing the session. */
  'session.outcome': ['note'],
  /** The text read from the customer's handwriting. */
  'acknowledgement.submitted': ['recognisedText'],
});

export interface RedactedEvent {
  id: number;
  payload: Record<string, unknown>;
  /** The fields replaced. */
  fields: string[];
}

/** The events whose payload holds personal text, with that text replaced; the others are left out. */
export function redactEvents(events: readonly EventRecord[]): RedactedEvent[] {
  return events.flatMap((event) => {
    const payload = event.payload;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return [];
    const record = payload as Record<string, unknown>;
    const fields = (PERSONAL_FIELDS[event.type] ?? []).filter((f) => typeof record[f] === 'string' && record[f] !== '' && record[f] !== REDACTED);
    if (fields.length === 0) return [];
    return [{ id: event.id, payload: { ...record, ...Object.fromEntries(fields.map((f) => [f, REDACTED])) }, fields }];
  });
}
