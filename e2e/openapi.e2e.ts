/** GET /api/openapi.json from the real server: public, OpenAPI 3.1, covering review and audit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactDir } from './support/artifacts.ts';
import { startServer, type TestServer } from './support/server.ts';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
  components: { schemas: Record<string, unknown> };
}

describe('OpenAPI description', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(artifactDir('openapi'));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('is served to anyone, signed in or not, as OpenAPI 3.1', async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const document = (await response.json()) as OpenApiDocument;
    expect(document.openapi.startsWith('3.1')).toBe(true);
    expect(document.paths['/api/review/sessions']?.['get']?.['x-roles']).toEqual(['compliance']);
    expect(document.paths['/api/audit/verify']?.['post']).toBeDefined();
    expect(document.components.schemas['ApiError']).toBeDefined();
  });
});
