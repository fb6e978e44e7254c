/**
 * The SDP that tells ffmpeg which RTP streams to expect on which local ports. One m-line
 * per recorded track, payload types and format parameters taken from the consumer that
 * feeds it, so ffmpeg copies the packets without re-encoding.
 */
import type { RtpParameters } from '@vtm/shared';

export interface SdpStream {
  kind: 'audio' | 'video';
  port: number;
  rtpParameters: RtpParameters;
}

export function buildRecordingSdp(sessionName: string, streams: SdpStream[]): string {
  const lines = [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    `s=${sessionName}`,
    'c=IN IP4 127.0.0.1',
    't=0 0',
  ];
  for (const stream of streams) {
    const codec = stream.rtpParameters.codecs[0];
    if (!codec) throw new Error('a recorded stream has no codec');
    const encodingName = codec.mimeType.split('/')[1];
    const channels = codec.channels && codec.channels > 1 ? `/${codec.channels}` : '';
    lines.push(`m=${stream.kind} ${stream.port} RTP/AVP ${codec.payloadType}`);
    lines.push(`a=rtpmap:${codec.payloadType} ${encodingName}/${codec.clockRate}${channels}`);
    const fmtp = Object.entries(codec.parameters ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join(';');
    if (fmtp) lines.push(`a=fmtp:${codec.payloadType} ${fmtp}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\r\n')}\r\n`;
}
