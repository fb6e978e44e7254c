/**
 * ID capture at the kiosk, in Chromium with a fake camera showing a generated resident ID
 * card (front, then back): the picture is taken by itself, read in the browser by the
 * tesseract.js workers loaded from our server, the fields shown for confirmation; the
 * customer confirms (or corrects a field), and the server stores the identity, with what
 * OCR read and what the customer changed, and both images as evidence.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { signIn } from './support/api.ts';
import { artifactDir } from './support/artifacts.ts';
import { launchBrowser, openPage } from './support/browser.ts';
import { captureResidentId, sessionDetail } from './support/call-flow.ts';
import { prepareIdCamera, sequenceY4m, type IdCamera } from './support/id-camera.ts';
import { generateDocuments, type PassportTruth } from './support/documents/index.ts';
import { startServer, type TestServer } from './support/server.ts';
import { connectRaw } from './support/ws-client.ts';

interface OcrDiagnostics {
  status: string;
  readyMs: number | null;
  engineLoadMs: Record<string, number>;
  reads: { kind: string; ms: number }[];
}

const ocrOf = (page: Page) => page.evaluate(() => (window as unknown as { vtm: { ocr: OcrDiagnostics } }).vtm.ocr);
const sessionIdOf = (page: Page) => page.evaluate(() => (window as unknown as { vtm: { sessionId: string | null } }).vtm.sessionId);

/** The fields on the confirm screen, as shown. */
async function shownFields(page: Page): Promise<Record<string, string>> {
  const rows = page.getByTestId('id-field');
  const out: Record<string, string> = {};
  for (const row of await rows.all()) out[(await row.getAttribute('data-field'))!] = (await row.getAttribute('data-value')) ?? '';
  return out;
}

async function waitForOcrReady(page: Page): Promise<OcrDiagnostics> {
  await page.waitForFunction(() => (window as unknown as { vtm?: { ocr?: { status: string } } }).vtm?.ocr?.status === 'ready', null, { timeout: 60_000 });
  return ocrOf(page);
}

/** What the teller's console gets for the session: accepts it over signaling and asks for the customer's details. */
async function customerDetailsAsTeller(server: TestServer, sessionId: string) {
  const teller = await connectRaw(server.wsUrl, await signIn(server.url, 'teller1'));
  try {
    await teller.request('hello', { role: 'teller' });
    const accepted = await teller.request('session.accept', { sessionId, rtpCapabilities: {} });
    expect(accepted['ok'], JSON.stringify(accepted)).toBe(true);
    const reply = await teller.request('customer.details', {});
    expect(reply['ok'], JSON.stringify(reply)).toBe(true);
    await teller.request('session.hangup', {});
    return reply['data'] as {
      identity: {
        documentKind: string;
        name: string;
        documentNumber: string;
        birthDate: string;
        sex: string;
        document: Record<string, unknown>;
        ocr: { fields: Record<string, string>; confidence: Record<string, number> };
        customerCorrections: { field: string; ocrValue: string; confirmedValue: string }[];
        automaticCorrections: unknown[];
      } | null;
    };
  } finally {
    teller.socket.close();
  }
}

describe('ID capture at the kiosk', () => {
  let dir: string;
  let server: TestServer;
  let camera: IdCamera;
  let browser: Browser;
  const timings: Record<string, unknown> = {};

  beforeAll(async () => {
    dir = artifactDir('id-capture');
    camera = await prepareIdCamera({ width: 1280, height: 720 });
    server = await startServer(dir);
    browser = await launchBrowser({ fakeVideoFile: camera.y4m });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (Object.keys(timings).length > 0) process.stdout.write(`kiosk OCR timings: ${JSON.stringify(timings)}\n`);
  });

  it('reads both sides of a clean card, the customer confirms, and the server keeps the identity and images', async () => {
    const { page, context } = await openPage(browser, `${server.url}/kiosk/?kiosk=VTM-ID-1`);
    const loaded = await waitForOcrReady(page);
    timings['engines'] = { readyMs: loaded.readyMs, ...loaded.engineLoadMs };

    await page.getByTestId('service-first-time-wealth').click();
    await page.getByTestId('consent-agree').click();
    await page.getByTestId('id-choose-resident-id').waitFor();
    await page.screenshot({ path: path.join(dir, 'kiosk-id-choose.png') });
    const started = Date.now();
    await page.getByTestId('id-choose-resident-id').click();
    await page.getByTestId('id-hint').waitFor();
    await page.screenshot({ path: path.join(dir, 'kiosk-id-capture.png') });
    await page.getByTestId('confirm-id-screen').waitFor({ timeout: 60_000 });
    timings['frontAndBackMs'] = Date.now() - started;
    timings['reads'] = (await ocrOf(page)).reads;
    await page.screenshot({ path: path.join(dir, 'kiosk-id-confirm.png'), fullPage: true });

    const { front, back } = camera;
    expect(await shownFields(page)).toEqual({ ...front.fields, ...back.fields });
    expect(await page.getByTestId('field-problem').count()).toBe(0);

    const sessionId = (await sessionIdOf(page))!;
    await page.getByTestId('confirm-id').click();
    await page.getByTestId('waiting').waitFor();

    const detail = await sessionDetail(server.url, sessionId);
    const images = detail.evidence.filter((e) => e.kind === 'id-front' || e.kind === 'id-back');
    expect(images.map((e) => e.kind).sort()).toEqual(['id-back', 'id-front']);
    for (const image of images) expect(image.sizeBytes).toBeGreaterThan(20_000);
    const captured = detail.events.find((e) => e.type === 'identity.captured');
    expect(captured?.payload).toMatchObject({ documentKind: 'cn-resident-id', correctedByCustomer: [] });
    expect(detail.events.map((e) => e.type)).toEqual(expect.arrayContaining(['identity.captured', 'session.queued']));
    expect(detail.events.findIndex((e) => e.type === 'identity.captured')).toBeLessThan(detail.events.findIndex((e) => e.type === 'session.queued'));

    const { identity } = await customerDetailsAsTeller(server, sessionId);
    expect(identity).toMatchObject({
      documentKind: 'cn-resident-id',
      name: front.fields.name,
      documentNumber: front.fields.idNumber,
      birthDate: front.fields.birthDate,
      sex: front.fields.sex,
      customerCorrections: [],
      document: { kind: 'cn-resident-id', front: front.fields, back: back.fields },
    });
    expect(identity!.ocr.fields).toEqual({ ...front.fields, ...back.fields });
    await page.getByTestId('call-ended').waitFor();
    await context.close();
  });

  it('records a field the customer corrected with both the OCR value and the confirmed one', async () => {
    const { page, context } = await openPage(browser, `${server.url}/kiosk/?kiosk=VTM-ID-2`);
    await waitForOcrReady(page);
    await page.getByTestId('service-first-time-wealth').click();
    await page.getByTestId('consent-agree').click();
    await captureResidentId(page);
    const read = await shownFields(page);

    // The ID number on the on-screen keypad: one wrong digit blocks Confirm (the check digit fails) until it is put right.
    const number = page.locator('[data-testid="id-field"][data-field="idNumber"]');
    await number.getByTestId('edit-field').click();
    const editor = page.getByTestId('field-editor');
    await editor.locator('[data-key="backspace"]').click();
    const last = read['idNumber']!.at(-1)!;
    const wrong = last === '0' ? '1' : '0';
    await editor.locator(`[data-key="${wrong}"]`).click();
    await editor.getByTestId('editor-done').click();
    await page.locator('[data-testid="id-field"][data-field="idNumber"].bad').waitFor();
    await expect(page.getByTestId('confirm-id').isDisabled()).resolves.toBe(true);
    await number.getByTestId('edit-field').click();
    await editor.locator('[data-key="backspace"]').click();
    await editor.locator(`[data-key="${last}"]`).click();
    await editor.getByTestId('editor-done').click();
    await expect(page.getByTestId('confirm-id').isDisabled()).resolves.toBe(false);

    // The name through the OS text input (Chinese needs an input method).
    const corrected = `${read['name']}明`;
    await page.locator('[data-testid="id-field"][data-field="name"]').getByTestId('edit-field').click();
    await editor.getByTestId('editor-text').fill(corrected);
    await editor.getByTestId('editor-done').click();
    await page.locator('[data-testid="id-field"][data-field="name"][data-customer-corrected="true"]').waitFor();
    await page.screenshot({ path: path.join(dir, 'kiosk-id-corrected.png'), fullPage: true });

    const sessionId = (await sessionIdOf(page))!;
    await page.getByTestId('confirm-id').click();
    await page.getByTestId('waiting').waitFor();
    const detail = await sessionDetail(server.url, sessionId);
    expect(detail.events.find((e) => e.type === 'identity.captured')?.payload).toMatchObject({ correctedByCustomer: ['name'] });
    const { identity } = await customerDetailsAsTeller(server, sessionId);
    expect(identity!.customerCorrections).toEqual([{ field: 'name', ocrValue: read['name'], confirmedValue: corrected }]);
    expect(identity!.name).toBe(corrected);
    expect(identity!.ocr.fields['name']).toBe(read['name']);
    await context.close();
  });

  it('reads a passport data page', async () => {
    const docs = await generateDocuments({ outDir: path.join(dir, 'passport'), count: 1, seed: 'e2e-id-passport', kinds: ['passport-td3'], variants: ['clean'] });
    const passport = docs[0]!;
    const y4m = await sequenceY4m([passport.file], path.join(dir, 'passport', 'passport.y4m'), { seconds: 2, width: 1280, height: 720 });
    const passportBrowser = await launchBrowser({ fakeVideoFile: y4m });
    try {
      const { page } = await openPage(passportBrowser, `${server.url}/kiosk/?kiosk=VTM-ID-P`);
      await waitForOcrReady(page);
      await page.getByTestId('service-first-time-wealth').click();
      await page.getByTestId('consent-agree').click();
      await page.getByTestId('id-choose-passport').click();
      await page.getByTestId('confirm-id-screen').waitFor({ timeout: 60_000 });
      timings['passportReads'] = (await ocrOf(page)).reads;
      const truth = passport.truth as PassportTruth;
      expect(await shownFields(page)).toEqual(truth.fields);
      const sessionId = (await sessionIdOf(page))!;
      await page.getByTestId('confirm-id').click();
      await page.getByTestId('waiting').waitFor();
      const detail = await sessionDetail(server.url, sessionId);
      expect(detail.evidence.map((e) => e.kind)).toContain('passport-page');
      const { identity } = await customerDetailsAsTeller(server, sessionId);
      expect(identity).toMatchObject({
        documentKind: 'passport-td3',
        documentNumber: `${truth.fields.issuingCountry}:${truth.fields.documentNumber}`,
        birthDate: truth.fields.birthDate,
        sex: truth.fields.sex,
      });
    } finally {
      await passportBrowser.close();
    }
  });
});
