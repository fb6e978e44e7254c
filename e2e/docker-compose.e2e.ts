/** No Docker engine runs here, so the compose file is checked by docker-compose itself. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/artifacts.ts';

describe('docker-compose.yml', () => {
  it('is a valid compose file with the sfu service, its data volume and the RTC ports', () => {
    const config = execFileSync('docker-compose', ['-f', path.join(repoRoot, 'docker-compose.yml'), 'config'], {
      encoding: 'utf8',
      env: { ...process.env, ANNOUNCED_IP: '192.0.2.10' },
    });
    expect(config).toMatch(/services:\s[\s\S]*sfu:/);
    expect(config).toMatch(/ANNOUNCED_IP: 192\.0\.2\.10/);
    // The RTC port range is published for UDP (and TCP as a fallback), port by port.
    expect(config).toMatch(/protocol: udp\s+published: 40000\s+target: 40000/);
    expect(config).toMatch(/protocol: udp\s+published: 40099\s+target: 40099/);
    expect(config).toMatch(/vtm-data/);
    expect(config).toMatch(/coturn:/);
  });
});
