/** The assessment rules served to the bank's other channels, over HTTP, for signed-in users. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RISK_QUESTIONNAIRE_V1 } from '@vtm/shared';
import { artifactDir } from './support/artifacts.ts';
import { WRITE_HEADERS, signIn } from './support/api.ts';
import { startServer, type TestServer } from './support/server.ts';

describe('API for other channels', () => {
  let server: TestServer;
  let cookie: string;

  const post = (path: string, body: unknown, withCookie = true) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(withCookie ? { cookie, ...WRITE_HEADERS } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    server = await startServer(artifactDir('channel-api'));
    cookie = await signIn(server.url, 'teller1');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('requires a signed-in user', async () => {
    expect((await fetch(`${server.url}/api/questionnaires/current`)).status).toBe(401);
    expect((await post('/api/assessments/score', { answers: [] }, false)).status).toBe(401);
    expect((await post('/api/suitability', { level: 'C3', age: 40, productCode: 'x' }, false)).status).toBe(401);
  });

  it('serves the active questionnaire and scores answers with the shared rule', async () => {
    const current = await (await fetch(`${server.url}/api/questionnaires/current`, { headers: { cookie } })).json();
    expect(current).toMatchObject({ id: RISK_QUESTIONNAIRE_V1.id, version: RISK_QUESTIONNAIRE_V1.version });
    expect(current.questions.length).toBeGreaterThanOrEqual(10);

    const highest = RISK_QUESTIONNAIRE_V1.questions.map((q) => ({
      questionId: q.id,
      optionIds: [[...q.options].filter((o) => !o.exclusive).sort((a, b) => b.score - a.score)[0]!.id],
    }));
    const scored = await post('/api/assessments/score', { answers: highest });
    expect(scored.status).toBe(200);
    expect(await scored.json()).toMatchObject({ level: 'C5' });

    const incomplete = await post('/api/assessments/score', { answers: highest.slice(1) });
    expect(incomplete.status).toBe(400);
    const malformed = await post('/api/assessments/score', { answers: 'all of them' });
    expect(malformed.status).toBe(400);
  });

  it('answers suitability with allowed or the reason', async () => {
    const allowed = await (await post('/api/suitability', { level: 'C3', age: 40, productCode: 'WM-R1-90D' })).json();
    expect(allowed).toMatchObject({ allowed: true });
    const senior = await (await post('/api/suitability', { level: 'C3', age: 70, productCode: 'WM-R1-90D' })).json();
    expect(senior.allowed).toBe(true);
    expect(senior.extraConfirmation.map((r: { code: string }) => r.code)).toContain('customer-aged-65-or-over');
    const blocked = await post('/api/suitability', { level: 'C1', age: 40, productCode: 'WM-R3-365D' });
    const body = await blocked.json();
    expect(body).toMatchObject({ allowed: false, reason: 'product-risk-too-high' });
    expect(body.message['zh-CN'].length).toBeGreaterThan(5);
    expect((await post('/api/suitability', { level: 'C9', age: 40, productCode: 'WM-R1-90D' })).status).toBe(400);
    expect((await post('/api/suitability', { level: 'C3', age: 40, productCode: 'NO-SUCH' })).status).toBe(404);
  });
});
