/**
 * HTTPS=1 without a certificate: the server makes a self-signed one in DATA_DIR (kiosks
 * on the LAN need https for the camera) and keeps it across restarts.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { artifactDir } from './support/artifacts.ts';
import { startServer } from './support/server.ts';

function getJson(url: string, ca: string): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, servername: 'localhost' }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), headers: res.headers }));
      })
      .on('error', reject);
  });
}

describe('HTTPS with a generated certificate', () => {
  it('serves health over TLS with a self-signed certificate kept in DATA_DIR', async () => {
    const dir = artifactDir('https');
    let server = await startServer(dir, { HTTPS: '1' }, { scheme: 'https' });
    const certFile = path.join(server.dataDir, 'tls', 'self-signed.crt');
    const cert = fs.readFileSync(certFile, 'utf8');
    expect(new X509Certificate(cert).subjectAltName).toContain('DNS:localhost');
    expect(fs.statSync(path.join(server.dataDir, 'tls', 'self-signed.key')).mode & 0o077).toBe(0);

    const health = await getJson(`${server.url.replace('127.0.0.1', 'localhost')}/healthz`, cert);
    expect(health).toMatchObject({ status: 200, body: { ok: true } });
    // Over https the browser is told to stay on it, and the page's signaling is wss:.
    expect(health.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/);
    expect(health.headers['content-security-policy']).toMatch(/connect-src 'self' wss:\/\/localhost:\d+;/);
    expect(health.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    await server.stop();

    server = await startServer(dir, { HTTPS: '1' }, { scheme: 'https' });
    expect(fs.readFileSync(certFile, 'utf8')).toBe(cert);
    await server.stop();
  });
});
