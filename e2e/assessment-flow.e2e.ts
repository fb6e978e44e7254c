/**
 * The regulated flow through the real stack: a signed-in teller accepts, verifies
 * identity, sends every question to the kiosk where the customer answers by touch, the
 * level is computed with the shared rule, a product is checked for suitability at both
 * ends, and the session is closed with its outcome, every step on the timeline in order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from './support/ffprobe.ts';
import { isEncrypted, storedContent } from './support/stored-files.ts';
import { WRITE_HEADERS, getAs, signIn } from './support/api.ts';
import { sign, writeInGrid } from './support/drawing.ts';
import type { Browser } from 'playwright-core';
import { RISK_QUESTIONNAIRE_V1, buildSignedDocument, documentHash, findProduct, scoreAssessment } from '@vtm/shared';
import { artifactDir } from './support/artifacts.ts';
import { waitForRemoteMedia } from './support/browser.ts';
import { launchBrowserWithIdCard } from './support/id-camera.ts';
import { callAndAccept, openKioskAndConsole, sessionDetail, waitForSealedRecording } from './support/call-flow.ts';
import { answerEveryQuestion, verifyIdentity } from './support/regulated-flow.ts';
import { startServer, type TestServer } from './support/server.ts';

describe('teller-driven risk assessment', () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = artifactDir('assessment');
    server = await startServer(dir);
    browser = await launchBrowserWithIdCard();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('takes a customer from identity to a completed session with every step on the timeline', async () => {
    const pages = await openKioskAndConsole(browser, server.url);
    const { sessionId } = await callAndAccept(pages);
    await waitForRemoteMedia(pages.teller);

    // The questionnaire cannot start before identity is verified.
    await expect(pages.teller.getByTestId('begin-questionnaire').isDisabled()).resolves.toBe(true);
    await verifyIdentity(pages.teller);
    await pages.kiosk.getByTestId('identity-state').waitFor();

    // A still of the customer is kept with the session.
    await pages.teller.getByTestId('take-still').click();
    await pages.teller.getByRole('button', { name: 'Take still (1)' }).waitFor();
    await pages.teller.getByTestId('connection-quality').and(pages.teller.locator('[data-grade="good"], [data-grade="fair"]')).waitFor();

    const chosen = await answerEveryQuestion(pages, 'most-adventurous', async () => {
      await pages.kiosk.screenshot({ path: path.join(dir, 'kiosk-question.png') });
    });
    const expected = scoreAssessment(
      RISK_QUESTIONNAIRE_V1,
      Object.entries(chosen).map(([questionId, optionId]) => ({ questionId, optionIds: [optionId] })),
    );
    await pages.teller.getByTestId('finish-assessment').click();
    await pages.kiosk.locator(`[data-testid="assessment-result"][data-level="${expected.level}"]`).waitFor();
    await expect(pages.teller.getByTestId('teller-level').textContent()).resolves.toContain(expected.level);

    await pages.teller.getByTestId('product-select').selectOption('WM-R1-90D');
    await pages.teller.getByTestId('propose-product').click();
    await pages.teller.locator('[data-testid="teller-suitability"][data-allowed="true"]').waitFor();
    await pages.kiosk.locator('[data-testid="suitability"][data-allowed="true"]').waitFor();
    await pages.kiosk.screenshot({ path: path.join(dir, 'kiosk-result.png') });

    // Disclosure shown at the kiosk and confirmed there.
    await pages.teller.getByTestId('show-disclosure').click();
    await pages.kiosk.getByTestId('disclosure').waitFor();
    await pages.kiosk.getByTestId('confirm-disclosure').click();
    await pages.teller.locator('[data-testid="disclosure-state"][data-state="confirmed"]').waitFor();

    // The handwritten acknowledgement: sent back once for a rewrite, then accepted.
    for (const verdict of ['reject', 'accept'] as const) {
      if (verdict === 'reject') await pages.teller.getByTestId('request-acknowledgement').click();
      const pad = pages.kiosk.getByTestId('handwriting-pad');
      await pad.waitFor();
      const columns = Number(await pad.getAttribute('data-columns'));
      const rows = Number(await pad.getAttribute('data-rows'));
      await writeInGrid(pages.kiosk, pad, columns, rows);
      await pages.kiosk.getByTestId('handwriting-confirm').click();
      await pages.teller.getByTestId('acknowledgement-received').waitFor({ timeout: 30_000 });
      await pages.teller.getByTestId(`${verdict}-acknowledgement`).click();
    }
    await pages.teller.getByTestId('acknowledgement-accepted').waitFor();
    await pages.kiosk.locator('[data-testid="acknowledgement"][data-state="accepted"]').waitFor();

    // The signature, bound to the hash of the document.
    await pages.teller.getByTestId('request-signature').click();
    const signaturePad = pages.kiosk.getByTestId('signature-pad');
    await signaturePad.waitFor();
    await pages.kiosk.getByTestId('signature-confirm').click();
    await pages.kiosk.getByTestId('signature-refused').waitFor(); // an empty pad is refused
    await sign(pages.kiosk, signaturePad);
    await pages.kiosk.screenshot({ path: path.join(dir, 'kiosk-signature.png') });
    await pages.kiosk.getByTestId('signature-confirm').click();
    await pages.teller.getByTestId('signature-received').waitFor();
    await pages.teller.screenshot({ path: path.join(dir, 'teller-steps.png'), fullPage: true });

    await pages.teller.getByTestId('outcome-select').selectOption('completed');
    await pages.teller.getByTestId('complete-session').click();
    await pages.kiosk.getByTestId('call-ended').waitFor();
    // The receipt, with its verification code, is ready to print or download at the kiosk.
    const receipt = pages.kiosk.getByTestId('receipt');
    await receipt.waitFor();
    const code = (await receipt.getAttribute('data-code'))!;
    await pages.kiosk.locator('[data-testid="receipt-download"][href^="blob:"]').waitFor();
    await pages.kiosk.screenshot({ path: path.join(dir, 'kiosk-receipt.png') });

    const detail = await waitForSealedRecording(server.url, sessionId);
    expect(detail.state).toBe('ended');
    const types = detail.events.map((e) => e.type);
    const order = [
      'session.accepted', 'call.connected', 'identity.verified', 'questionnaire.started', 'question.shown', 'answer.given', 'level.computed',
      'product.chosen', 'suitability.result', 'disclosure.shown', 'disclosure.confirmed', 'acknowledgement.requested',
      'acknowledgement.submitted', 'acknowledgement.rejected', 'acknowledgement.accepted', 'signature.requested',
      'signature.submitted', 'session.outcome', 'receipt.issued', 'session.ended',
    ];
    const positions = order.map((type) => types.indexOf(type));
    expect(positions.every((p) => p >= 0), JSON.stringify(types)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(types.filter((t) => t === 'answer.given')).toHaveLength(RISK_QUESTIONNAIRE_V1.questions.length);
    const level = detail.events.find((e) => e.type === 'level.computed')!;
    expect(level.payload).toMatchObject({ level: expected.level, score: expected.score });
    expect(detail.events.find((e) => e.type === 'session.outcome')!.payload).toMatchObject({ outcome: 'completed' });
    const still = detail.evidence.find((e) => e.kind === 'still');
    expect(still).toBeDefined();
    expect(detail.evidence.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['acknowledgement-image', 'acknowledgement-strokes', 'signature-image', 'signature-svg', 'signature-strokes', 'receipt']),
    );
    // The signature is bound to the hash of exactly what was signed, recomputed here from the stored answers.
    const signed = detail.events.find((e) => e.type === 'signature.submitted')!.payload as { documentHash: string };
    const answers = RISK_QUESTIONNAIRE_V1.questions.map((q) => ({ questionId: q.id, optionIds: [chosen[q.id]!] }));
    const document = buildSignedDocument(RISK_QUESTIONNAIRE_V1, answers, findProduct('WM-R1-90D')!);
    expect(signed.documentHash).toBe(await documentHash(document));
    // The receipt can be looked up by its code.
    const lookedUp = await getAs<{ sessionId: string; documentHash: string }>(server.url, 'teller1', `/api/receipts/${code}`);
    expect(lookedUp.body).toMatchObject({ sessionId, documentHash: signed.documentHash });
    // ...and in the console, typed in lower case as a customer might read it out.
    await pages.teller.getByTestId('receipt-code').fill(code.toLowerCase());
    await pages.teller.getByRole('button', { name: 'Look up' }).click();
    await pages.teller.locator(`[data-testid="receipt-found"][data-session-id="${sessionId}"]`).waitFor();
    const stillFile = path.join(server.dataDir, 'evidence', sessionId, 'still-001.png');
    // Hashed as stored (encrypted at rest); a PNG once decrypted.
    expect(sha256(stillFile)).toBe(still!.sha256);
    expect(isEncrypted(stillFile)).toBe(true);
    expect(storedContent(server.dataDir, stillFile).subarray(1, 4).toString()).toBe('PNG');
    expect(types.indexOf('still.taken')).toBeGreaterThan(types.indexOf('identity.verified'));
    // Everything from the start of the recording on is placed on the recording's timeline.
    const recordingStart = types.indexOf('recording.started');
    expect(detail.events.slice(recordingStart).every((e) => e.offsetMs !== null)).toBe(true);
    // Before the queue: consent, then the ID card's two images and the identity read from them.
    expect(types.slice(0, 6)).toEqual(['session.created', 'consent.given', 'evidence.uploaded', 'evidence.uploaded', 'identity.captured', 'session.queued']);
    await pages.close();
  });

  it('blocks a product above the customer\'s level, with the reason on both screens', async () => {
    const pages = await openKioskAndConsole(browser, server.url, { kiosk: 'VTM-E2E-C1', teller: 'teller2' });
    const { sessionId } = await callAndAccept(pages);
    await verifyIdentity(pages.teller);
    await answerEveryQuestion(pages, 'most-cautious');
    await pages.teller.getByTestId('finish-assessment').click();
    await pages.kiosk.locator('[data-testid="assessment-result"][data-level="C1"]').waitFor();

    await pages.teller.getByTestId('product-select').selectOption({ index: (await pages.teller.getByTestId('product-select').locator('option').count()) - 1 });
    await pages.teller.getByTestId('propose-product').click();
    const tellerSide = pages.teller.locator('[data-testid="teller-suitability"][data-allowed="false"]');
    const kioskSide = pages.kiosk.locator('[data-testid="suitability"][data-allowed="false"]');
    await tellerSide.waitFor();
    await kioskSide.waitFor();
    expect((await kioskSide.textContent())!.length).toBeGreaterThan(10);

    await pages.teller.getByTestId('outcome-select').selectOption('unsuitable');
    await pages.teller.getByTestId('complete-session').click();
    const detail = await waitForSealedRecording(server.url, sessionId);
    expect(detail.events.find((e) => e.type === 'suitability.result')!.payload).toMatchObject({ allowed: false });
    expect(detail.events.find((e) => e.type === 'session.outcome')!.payload).toMatchObject({ outcome: 'unsuitable' });
    await pages.close();
  });

  it('refuses an answer that does not come from the kiosk', async () => {
    const pages = await openKioskAndConsole(browser, server.url, { kiosk: 'VTM-E2E-RULES', teller: 'teller1' });
    const { sessionId } = await callAndAccept(pages);
    // Stills: only the teller of this call may add one, and only an image.
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    const postStill = async (username: string | null, body: Buffer, type = 'image/png') =>
      (
        await fetch(`${server.url}/api/sessions/${sessionId}/stills`, {
          method: 'POST',
          headers: { 'content-type': type, ...(username ? { cookie: await signIn(server.url, username), ...WRITE_HEADERS } : {}) },
          body: new Uint8Array(body),
        })
      ).status;
    expect(await postStill(null, png)).toBe(401);
    // Another teller's session answers as a missing one would (SessionAccess).
    expect(await postStill('teller2', png)).toBe(404);
    expect(await postStill('compliance1', png)).toBe(403);
    expect(await postStill('teller1', Buffer.from('not an image'))).toBe(400);
    expect(await postStill('teller1', Buffer.alloc(5 * 1024 * 1024, 1))).toBe(413);
    const refused = await pages.teller.evaluate(async () => {
      const ws = new WebSocket(`ws://${location.host}/ws`);
      await new Promise((r) => ws.addEventListener('open', r, { once: true }));
      const reply = (frame: { id: number; method: string; data: unknown }) =>
        new Promise<unknown>((resolve) => {
          const onMessage = (e: MessageEvent) => {
            const message = JSON.parse(String(e.data)) as { id?: number };
            if (message.id !== frame.id) return; // a notification
            ws.removeEventListener('message', onMessage);
            resolve(message);
          };
          ws.addEventListener('message', onMessage);
          ws.send(JSON.stringify(frame));
        });
      const hello = await reply({ id: 1, method: 'hello', data: { role: 'teller' } });
      const answer = await reply({ id: 2, method: 'question.answer', data: { questionId: 'age-band', optionIds: ['x'] } });
      ws.close();
      return { hello, answer };
    });
    expect(refused.hello).toMatchObject({ ok: true });
    expect(refused.answer).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    // Nor can the teller's own console show a question before identity is verified.
    await expect(pages.teller.getByTestId('begin-questionnaire').isDisabled()).resolves.toBe(true);
    await pages.close();
  });
});
