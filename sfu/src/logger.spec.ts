import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('debug', stream), text: () => lines.join('') };
}

describe('the server log', () => {
  it('keeps personal data and secrets out, at the top level and one level down', () => {
    const { logger, text } = capture();
    logger.info({ password: 'p4ssw0rd-secret', token: 'tok-secret', name: '王小明', idNumber: '11010519491231002X', sessionId: 'kept-1' }, 'top');
    logger.info({ request: { data: { front: { name: '王小明' } } }, headers: { cookie: 'vtm_session=cookie-secret', 'x-vtm-upload-token': 'upload-secret' } }, 'nested');
    logger.info({ customer: { idNumber: '11010519491231002X', surname: 'WANG', givenNames: 'XIAOMING', birthDate: '1949-12-31' } }, 'nested person');
    logger.info({ 'set-cookie': 'vtm_session=cookie-secret-2', uploadToken: 'upload-secret-2', document: { number: 'E12345678' } }, 'more');
    const logged = text();
    for (const secret of ['p4ssw0rd-secret', 'tok-secret', '王小明', '11010519491231002X', 'cookie-secret', 'upload-secret', 'WANG', 'XIAOMING', '1949-12-31', 'E12345678']) {
      expect(logged).not.toContain(secret);
    }
    expect(logged).toContain('kept-1');
    expect(logged).toContain('[redacted]');
  });
});
