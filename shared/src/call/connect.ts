import type { RequestData } from '../protocol/signaling.ts';
import { loadDevice } from './call-media.ts';
import { SignalingClient } from './signaling-client.ts';
import type { Device } from 'mediasoup-client';

export interface SignalingSession {
  signaling: SignalingClient;
  device: Device;
  peerId: string;
}

/** Opens signaling, introduces this browser and prepares its mediasoup Device. */
export async function connectAs(hello: RequestData<'hello'>, url?: string): Promise<SignalingSession> {
  const signaling = await SignalingClient.connect(url);
  const { peerId, routerRtpCapabilities } = await signaling.request('hello', hello);
  const device = await loadDevice(routerRtpCapabilities);
  return { signaling, device, peerId };
}

/** The camera and microphone, with the constraints both ends of a call use. */
export function openCameraAndMicrophone(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 20, max: 30 } },
  });
}
