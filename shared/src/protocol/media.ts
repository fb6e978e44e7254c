/**
 * Schemas for the WebRTC parameters that cross the signaling channel.
 *
 * They check shape and bound size only; mediasoup validates the semantics itself and
 * its errors are turned into error replies by the server. Unknown keys are kept
 * (looseObject) because mediasoup and browsers add fields between versions.
 */
import { z } from 'zod';

const shortString = z.string().max(256);
const smallInt = z.number().int().min(0).max(2 ** 32);

export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;

export const VideoCodec = z.enum(['vp8', 'h264']);
export type VideoCodec = z.infer<typeof VideoCodec>;

const CodecParameters = z.record(z.string().max(64), z.union([z.string().max(256), z.number()]));

const RtcpFeedback = z.looseObject({ type: shortString, parameter: shortString.optional() });

export const RtpCodecCapability = z.looseObject({
  kind: MediaKind,
  mimeType: shortString,
  clockRate: smallInt,
  channels: smallInt.optional(),
  preferredPayloadType: smallInt.optional(),
  parameters: CodecParameters.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
});

export const RtpCapabilities = z.looseObject({
  codecs: z.array(RtpCodecCapability).max(64).optional(),
  headerExtensions: z.array(z.looseObject({ uri: shortString })).max(64).optional(),
});
export type RtpCapabilities = z.infer<typeof RtpCapabilities>;

export const RtpParameters = z.looseObject({
  mid: shortString.optional(),
  codecs: z
    .array(
      z.looseObject({
        mimeType: shortString,
        payloadType: z.number().int().min(0).max(127),
        clockRate: smallInt,
        channels: smallInt.optional(),
        parameters: CodecParameters.optional(),
        rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
      }),
    )
    .min(1)
    .max(16),
  headerExtensions: z.array(z.looseObject({ uri: shortString, id: smallInt })).max(32).optional(),
  encodings: z.array(z.looseObject({ ssrc: smallInt.optional() })).max(8).optional(),
  rtcp: z.looseObject({ cname: shortString.optional() }).optional(),
});
export type RtpParameters = z.infer<typeof RtpParameters>;

export const DtlsParameters = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.string().max(32), value: z.string().max(256) }))
    .min(1)
    .max(8),
});
export type DtlsParameters = z.infer<typeof DtlsParameters>;

export const IceParameters = z.looseObject({
  usernameFragment: shortString,
  password: shortString,
  iceLite: z.boolean().optional(),
});

export const IceCandidate = z.looseObject({
  foundation: shortString,
  priority: smallInt,
  address: shortString,
  protocol: z.enum(['udp', 'tcp']),
  port: z.number().int().min(0).max(65535),
  type: shortString,
  tcpType: shortString.optional(),
});

export const TransportOptions = z.object({
  id: z.uuid(),
  iceParameters: IceParameters,
  iceCandidates: z.array(IceCandidate).max(16),
  dtlsParameters: DtlsParameters,
});
export type TransportOptions = z.infer<typeof TransportOptions>;
