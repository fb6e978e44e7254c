/**
 * What a kiosk does before the queue, done over raw signaling for tests that do not need
 * the kiosk's screens: the ID images uploaded, and the identity of a generated customer.
 * The server queues no one it has not identified.
 */
import { KIOSK_UPLOAD_TOKEN_HEADER, type RequestData } from '@vtm/shared';
import { beijingTodayIso } from './documents/dates.ts';
import { synthesizeIdentity, type ResidentCard } from './documents/identity.ts';
import { connectRaw, type RawClient } from './ws-client.ts';

/** Just enough of a PNG for the server to take it as an ID image. */
export const pngOf = (text: string): Buffer =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(text)]);

/** A session opened by a kiosk: what `session.create` replied. */
export interface OpenedSession {
  sessionId: string;
  uploadToken: string;
}

/** A generated resident ID card; each (seed, index) is another customer. */
export function residentCard(seed: string, index = 0): ResidentCard {
  return synthesizeIdentity({ seed, index, referenceDate: beijingTodayIso() }).card;
}

/** Uploads one ID image as the kiosk does, returning its evidence id. */
export async function uploadIdImage(serverUrl: string, session: OpenedSession, kind: 'id-front' | 'id-back', image = pngOf(`${kind} of the card`)): Promise<number> {
  const response = await fetch(`${serverUrl}/api/sessions/${session.sessionId}/kiosk-uploads/${kind}`, {
    method: 'POST',
    headers: { 'content-type': 'image/png', [KIOSK_UPLOAD_TOKEN_HEADER]: session.uploadToken },
    body: new Uint8Array(image),
  });
  if (response.status !== 201) throw new Error(`upload of ${kind} refused: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { evidenceId: number }).evidenceId;
}

/**
 * Uploads both sides of the card and returns the data of the `customer.identify` request
 * that names them: the customer confirmed what OCR read, unchanged.
 */
export async function identifyRequestFor(
  serverUrl: string,
  session: OpenedSession,
  card: ResidentCard,
  images: { front?: Buffer; back?: Buffer } = {},
): Promise<RequestData<'customer.identify'>> {
  const frontImageEvidenceId = await uploadIdImage(serverUrl, session, 'id-front', images.front);
  const backImageEvidenceId = await uploadIdImage(serverUrl, session, 'id-back', images.back);
  return {
    document: { kind: 'cn-resident-id', front: card.front, back: card.back, frontImageEvidenceId, backImageEvidenceId },
    ocr: { fields: { name: card.front.name, idNumber: card.front.idNumber }, confidence: { name: 0.93, idNumber: 0.88 } },
    customerCorrections: [],
    automaticCorrections: [],
  };
}

/** The data of a signaling reply that must have succeeded. */
export function replyData<T = Record<string, unknown>>(reply: Record<string, unknown>, what: string): T {
  if (reply['ok'] !== true) throw new Error(`${what} failed: ${JSON.stringify(reply)}`);
  return reply['data'] as T;
}

export interface QueuedCustomer extends OpenedSession {
  kiosk: RawClient;
  /** Where `session.queue` put the customer. */
  position: number;
}

/** A kiosk says hello, opens a session, has consent, identifies the customer of `card` and queues. */
export async function queuedCustomer(server: { url: string; wsUrl: string }, kioskName: string, card: ResidentCard): Promise<QueuedCustomer> {
  const kiosk = await connectRaw(server.wsUrl);
  replyData(await kiosk.request('hello', { role: 'kiosk', name: kioskName }), 'hello');
  const session = replyData<OpenedSession>(
    await kiosk.request('session.create', { language: 'zh-CN', service: 'first-time-wealth-assessment', rtpCapabilities: {} }),
    'session.create',
  );
  replyData(await kiosk.request('consent.record', { accepted: true, consentVersion: 'test' }), 'consent.record');
  replyData(await kiosk.request('customer.identify', await identifyRequestFor(server.url, session, card)), 'customer.identify');
  const { position } = replyData<{ position: number }>(await kiosk.request('session.queue', {}), 'session.queue');
  return { kiosk, ...session, position };
}
