/**
 * What the server does for each signaling request. Each handler gets the calling peer
 * and data already validated against the protocol schema, and returns the reply data.
 */
import type { Method, RequestData, ResponseData, RtpCapabilities } from '@vtm/shared';
import { Peer, type PeerChannel } from '../call/peer.ts';
import { RequestError, notAllowed } from '../errors.ts';
import type { UserRecord } from '../storage/repositories.ts';
import type { SessionService } from '../sessions/session.service.ts';
import type { KioskService } from '../kiosks/kiosk.service.ts';

export interface HandlerContext {
  /** The signed-in user whose cookie came with the connection, if any. */
  user: UserRecord | null;
  /** The peer of this connection; null until it has said hello. */
  peer: Peer | null;
  channel: PeerChannel;
  sessions: SessionService;
  /** Kiosks are authenticated by the credential they were given at enrollment. */
  kiosks: Pick<KioskService, 'authenticate'>;
  routerRtpCapabilities: () => RtpCapabilities;
}

type Handler<M extends Method> = (ctx: HandlerContext, data: RequestData<M>) => Promise<ResponseData<M>>;

function requirePeer(ctx: HandlerContext, role?: Peer['role']): Peer {
  if (!ctx.peer) throw notAllowed('say hello first');
  if (role && ctx.peer.role !== role) throw notAllowed(`only a ${role} may do this`);
  return ctx.peer;
}

/** A party needs one send and one receive transport (new ones after a media reset or a rejoin, when the old are closed). */
export const MAX_TRANSPORTS_PER_PEER = 4;

export const handlers: { [M in Method]: Handler<M> } = {
  async hello(ctx, data) {
    if (ctx.peer) throw notAllowed('hello was already said');
    // Read first: should it fail, no peer is left half made (hello may then be said again).
    const routerRtpCapabilities = ctx.routerRtpCapabilities();
    if (data.role === 'teller') {
      if (ctx.user?.role !== 'teller') throw new RequestError('unauthenticated', 'sign in as a teller first');
      ctx.peer = new Peer({ role: 'teller', name: ctx.user.username, channel: ctx.channel });
      ctx.sessions.addTeller(ctx.peer);
    } else {
      // Name and location come from the enrolled kiosk's record, never from the client.
      const kiosk = await ctx.kiosks.authenticate(data.credential);
      if (!kiosk) throw new RequestError('unauthenticated', 'this kiosk is not enrolled, or its enrollment was revoked');
      ctx.peer = new Peer({ role: 'kiosk', name: kiosk.name, channel: ctx.channel });
      ctx.peer.location = kiosk.location;
      ctx.peer.kioskId = kiosk.id;
    }
    return { peerId: ctx.peer.id, routerRtpCapabilities };
  },

  async 'session.create'(ctx, { language, service, rtpCapabilities }) {
    return ctx.sessions.create(requirePeer(ctx, 'kiosk'), { language, service, rtpCapabilities });
  },

  async 'consent.record'(ctx, { accepted, consentVersion }) {
    await ctx.sessions.recordConsent(requirePeer(ctx, 'kiosk'), accepted, consentVersion);
    return {};
  },

  async 'customer.identify'(ctx, identity) {
    return { checks: await ctx.sessions.identifyCustomer(requirePeer(ctx, 'kiosk'), identity) };
  },

  async 'customer.details'(ctx) {
    const details = await ctx.sessions.customerDetails(requirePeer(ctx));
    const identity = details.identity;
    return {
      identity: identity && {
        documentKind: identity.documentKind,
        name: identity.name,
        documentNumber: identity.documentNumber,
        birthDate: identity.birthDate,
        sex: identity.sex,
        age: details.age ?? 0,
        document: identity.document,
        ocr: identity.ocr,
        customerCorrections: identity.customerCorrections as never,
        automaticCorrections: identity.automaticCorrections as never,
        checks: identity.checks as never,
      },
      earlierAssessment: details.earlierAssessment && {
        level: details.earlierAssessment.level as never,
        score: details.earlierAssessment.score,
        assessedAt: details.earlierAssessment.assessedAt,
        validUntil: details.earlierAssessment.validUntil,
      },
      assessmentsToday: details.assessmentsToday,
    };
  },

  async 'session.queue'(ctx) {
    return ctx.sessions.queueForTeller(requirePeer(ctx, 'kiosk'));
  },

  async 'session.abandon'(ctx) {
    await ctx.sessions.abandon(requirePeer(ctx, 'kiosk'));
    return {};
  },

  async 'session.accept'(ctx, { sessionId, rtpCapabilities }) {
    const { videoCodec, resumed } = await ctx.sessions.accept(requirePeer(ctx, 'teller'), { sessionId, rtpCapabilities });
    return { sessionId, videoCodec, resumed };
  },

  async 'session.rejoin'(ctx, data) {
    return ctx.sessions.rejoin(requirePeer(ctx), data);
  },

  async 'presence.set'(ctx, { presence }) {
    return { presence: ctx.sessions.setPresence(requirePeer(ctx, 'teller'), presence) };
  },

  async 'session.hangup'(ctx) {
    await ctx.sessions.hangup(requirePeer(ctx));
    return {};
  },

  async 'transport.create'(ctx, { direction }) {
    const peer = requirePeer(ctx);
    const room = ctx.sessions.roomOf(peer);
    // Each transport holds ports from the RTC range: a party that asks for them without end is refused.
    if (peer.transportIds.length >= MAX_TRANSPORTS_PER_PEER) throw notAllowed(`a party may hold at most ${MAX_TRANSPORTS_PER_PEER} transports`);
    return room.createTransport(peer, direction);
  },

  async 'transport.connect'(ctx, { transportId, dtlsParameters }) {
    const peer = requirePeer(ctx);
    await ctx.sessions.roomOf(peer).connectTransport(peer, transportId, dtlsParameters);
    return {};
  },

  async 'transport.restartIce'(ctx, { transportId }) {
    const peer = requirePeer(ctx);
    const iceParameters = await ctx.sessions.roomOf(peer).restartIce(peer, transportId);
    ctx.sessions.noteIceRestart(peer);
    return { iceParameters };
  },

  async produce(ctx, { transportId, kind, rtpParameters }) {
    const peer = requirePeer(ctx);
    return { producerId: await ctx.sessions.roomOf(peer).produce(peer, transportId, kind, rtpParameters) };
  },

  async 'identity.record'(ctx, check) {
    const teller = requirePeer(ctx, 'teller');
    const verified = await ctx.sessions.workflowOf(teller, 'teller').recordIdentity(check, teller.name);
    if (!verified) await ctx.sessions.complete(teller, 'identity-failed', check.note);
    return {};
  },

  async 'questionnaire.begin'(ctx) {
    const definition = await ctx.sessions.workflowOf(requirePeer(ctx), 'teller').beginQuestionnaire();
    return { questionnaireId: definition.id, version: definition.version, questions: definition.questions };
  },

  async 'question.show'(ctx, { questionId }) {
    await ctx.sessions.workflowOf(requirePeer(ctx), 'teller').showQuestion(questionId);
    return {};
  },

  async 'question.answer'(ctx, { questionId, optionIds }) {
    await ctx.sessions.workflowOf(requirePeer(ctx), 'kiosk').answer(questionId, optionIds);
    return {};
  },

  async 'assessment.reuse'(ctx) {
    return ctx.sessions.workflowOf(requirePeer(ctx), 'teller').reuseEarlierAssessment();
  },

  async 'assessment.finish'(ctx) {
    return ctx.sessions.workflowOf(requirePeer(ctx), 'teller').finish();
  },

  async 'product.propose'(ctx, { productCode }) {
    return ctx.sessions.workflowOf(requirePeer(ctx), 'teller').proposeProduct(productCode);
  },

  async 'disclosure.show'(ctx) {
    await ctx.sessions.workflowOf(requirePeer(ctx), 'teller').showDisclosure();
    return {};
  },

  async 'disclosure.confirm'(ctx, { productCode, disclosureVersion, extraConfirmed }) {
    await ctx.sessions.workflowOf(requirePeer(ctx), 'kiosk').confirmDisclosure(productCode, disclosureVersion, extraConfirmed);
    return {};
  },

  async 'acknowledgement.request'(ctx) {
    await ctx.sessions.workflowOf(requirePeer(ctx), 'teller').requestAcknowledgement();
    return {};
  },

  async 'acknowledgement.submit'(ctx, submission) {
    await ctx.sessions.workflowOf(requirePeer(ctx), 'kiosk').submitAcknowledgement(submission);
    return {};
  },

  async 'acknowledgement.review'(ctx, { accepted }) {
    await ctx.sessions.workflowOf(requirePeer(ctx), 'teller').reviewAcknowledgement(accepted);
    return {};
  },

  async 'signature.request'(ctx) {
    return { documentHash: await ctx.sessions.workflowOf(requirePeer(ctx), 'teller').requestSignature() };
  },

  async 'signature.submit'(ctx, signature) {
    await ctx.sessions.workflowOf(requirePeer(ctx), 'kiosk').submitSignature(signature);
    return {};
  },

  async 'session.complete'(ctx, { outcome, note }) {
    await ctx.sessions.complete(requirePeer(ctx, 'teller'), outcome, note);
    return {};
  },

  async 'consumer.resume'(ctx, { consumerId }) {
    const peer = requirePeer(ctx);
    await ctx.sessions.roomOf(peer).resumeConsumer(peer, consumerId);
    return {};
  },
};
