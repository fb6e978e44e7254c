import type { RtpCapabilities, VideoCodec } from '@vtm/shared';

function offersH264(capabilities: RtpCapabilities): boolean {
  return (capabilities.codecs ?? []).some((c) => c.mimeType.toLowerCase() === 'video/h264');
}

/** H264 when both ends offer it, VP8 otherwise (every WebRTC browser has VP8). */
export function chooseVideoCodec(kiosk: RtpCapabilities, teller: RtpCapabilities): VideoCodec {
  return offersH264(kiosk) && offersH264(teller) ? 'h264' : 'vp8';
}
