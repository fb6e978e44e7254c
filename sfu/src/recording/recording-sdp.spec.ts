import { describe, expect, it } from 'vitest';
import { buildRecordingSdp } from './recording-sdp.ts';

describe('buildRecordingSdp', () => {
  it('writes one m-line per stream with the consumer codec and its parameters', () => {
    const sdp = buildRecordingSdp('vtm-session', [
      {
        kind: 'audio',
        port: 20000,
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
        },
      },
      {
        kind: 'video',
        port: 20002,
        rtpParameters: {
          codecs: [
            {
              mimeType: 'video/H264',
              payloadType: 103,
              clockRate: 90000,
              parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
            },
          ],
        },
      },
    ]);
    expect(sdp.split('\r\n')).toEqual([
      'v=0',
      'o=- 0 0 IN IP4 127.0.0.1',
      's=vtm-session',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=audio 20000 RTP/AVP 100',
      'a=rtpmap:100 opus/48000/2',
      'a=fmtp:100 useinbandfec=1',
      'a=recvonly',
      'm=video 20002 RTP/AVP 103',
      'a=rtpmap:103 H264/90000',
      'a=fmtp:103 packetization-mode=1;profile-level-id=42e01f',
      'a=recvonly',
      '',
    ]);
  });

  it('refuses a stream without a codec', () => {
    expect(() => buildRecordingSdp('s', [{ kind: 'audio', port: 1, rtpParameters: { codecs: [] as never } }])).toThrow();
  });
});
