/** Reads what a call's RTCPeerConnection stats say about media actually arriving. */

export interface InboundSummary {
  videoFramesDecoded: number;
  audioPacketsReceived: number;
  videoPacketsLost: number;
  audioPacketsLost: number;
  framesPerSecond: number | null;
  roundTripTimeMs: number | null;
}

export function summariseInbound(report: RTCStatsReport | null): InboundSummary {
  const summary: InboundSummary = {
    videoFramesDecoded: 0,
    audioPacketsReceived: 0,
    videoPacketsLost: 0,
    audioPacketsLost: 0,
    framesPerSecond: null,
    roundTripTimeMs: null,
  };
  report?.forEach((stat: Record<string, unknown>) => {
    if (stat['type'] === 'inbound-rtp') {
      if (stat['kind'] === 'video') {
        summary.videoFramesDecoded += Number(stat['framesDecoded'] ?? 0);
        summary.videoPacketsLost += Number(stat['packetsLost'] ?? 0);
        if (typeof stat['framesPerSecond'] === 'number') summary.framesPerSecond = stat['framesPerSecond'];
      } else if (stat['kind'] === 'audio') {
        summary.audioPacketsReceived += Number(stat['packetsReceived'] ?? 0);
        summary.audioPacketsLost += Number(stat['packetsLost'] ?? 0);
      }
    }
    if (stat['type'] === 'candidate-pair' && stat['nominated'] && typeof stat['currentRoundTripTime'] === 'number') {
      summary.roundTripTimeMs = Math.round(stat['currentRoundTripTime'] * 1000);
    }
  });
  return summary;
}
