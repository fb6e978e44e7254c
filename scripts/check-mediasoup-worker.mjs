#!/usr/bin/env node
// Smoke test for the mediasoup-worker binary that `import 'mediasoup'` picks up
// (node_modules/mediasoup/worker/out/Release/mediasoup-worker, or
// MEDIASOUP_WORKER_BIN if set). Run scripts/mediasoup-worker.mjs first.
//
//   node scripts/check-mediasoup-worker.mjs    -> exit 0 and "OK ..." on success
//
// Checks: the worker starts, a router accepts Opus + VP8 + H264, a
// WebRtcTransport (UDP + TCP on 127.0.0.1) is created, dumps and closes.

import * as mediasoup from 'mediasoup';

const TIMEOUT_MS = 15_000;

const mediaCodecs = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
    },
  },
];

async function check() {
  console.log(`mediasoup ${mediasoup.version}, worker binary: ${mediasoup.workerBin}`);

  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  worker.on('died', (err) => fail(`worker died: ${err?.message ?? err}`));
  try {
    const router = await worker.createRouter({ mediaCodecs });
    const codecs = router.rtpCapabilities.codecs.map((c) => c.mimeType);
    for (const wanted of ['audio/opus', 'video/VP8', 'video/H264']) {
      if (!codecs.includes(wanted)) throw new Error(`router lacks ${wanted} (has ${codecs.join(', ')})`);
    }

    const transport = await router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ip: '127.0.0.1' },
        { protocol: 'tcp', ip: '127.0.0.1' },
      ],
      enableSctp: true,
    });
    const dump = await transport.dump();
    const candidates = transport.iceCandidates.map((c) => `${c.protocol}/${c.address}:${c.port}`);
    if (candidates.length !== 2) throw new Error(`expected 2 ICE candidates, got ${candidates.join(' ')}`);
    if (!transport.dtlsParameters.fingerprints.length) throw new Error('no DTLS fingerprints');

    console.log(`router ${router.id}: codecs ${codecs.join(', ')}`);
    console.log(
      `webrtc transport ${dump.id}: ICE ${candidates.join(' ')}, ` +
        `DTLS ${dump.dtlsState}/${transport.dtlsParameters.fingerprints.length} fingerprints, SCTP ${dump.sctpState}`,
    );
    transport.close();
    router.close();
  } finally {
    worker.close();
  }
  console.log(`OK worker pid ${worker.pid} (closed: ${worker.closed})`);
}

function fail(message) {
  console.error(`FAIL ${message}`);
  process.exit(1);
}

setTimeout(() => fail(`no result within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS).unref();
check().catch((err) => fail(err?.stack ?? String(err)));
