import fs from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'selfsigned';

/**
 * The certificate for HTTPS: the configured one, or a self-signed one kept in DATA_DIR
 * (browsers allow the camera only on https or localhost, and kiosks come over the LAN).
 */
export async function loadOrCreateTls(
  tls: { certFile: string | null; keyFile: string | null },
  dataDir: string,
  hostnames: string[],
): Promise<{ cert: string; key: string }> {
  if (tls.certFile && tls.keyFile) {
    return { cert: await fs.readFile(tls.certFile, 'utf8'), key: await fs.readFile(tls.keyFile, 'utf8') };
  }
  const certFile = path.join(dataDir, 'tls', 'self-signed.crt');
  const keyFile = path.join(dataDir, 'tls', 'self-signed.key');
  try {
    return { cert: await fs.readFile(certFile, 'utf8'), key: await fs.readFile(keyFile, 'utf8') };
  } catch {
    const pems = await generate([{ name: 'commonName', value: 'vtm-sfu' }], {
      keySize: 2048,
      algorithm: 'sha256',
      days: 825,
      extensions: [
        {
          name: 'subjectAltName',
          altNames: hostnames.map((h) => (/^[\d.]+$/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })),
        },
      ],
    } as Parameters<typeof generate>[1]);
    await fs.mkdir(path.dirname(certFile), { recursive: true });
    await fs.writeFile(keyFile, pems.private, { mode: 0o600 });
    await fs.writeFile(certFile, pems.cert);
    return { cert: pems.cert, key: pems.private };
  }
}
