/**
 * The regulated part of one session, in the order the rules require: identity verified
 * → questionnaire answered at the kiosk → level computed with the shared rule → product
 * proposed and checked for suitability. The teller drives each step; only the kiosk can
 * answer. Every step is stored and put on the session's timeline.
 */
import {
  RISK_QUESTIONNAIRE_V1,
  acknowledgementMatchScore,
  bandForScore,
  checkRetake,
  definitionMaxScore,
  buildSignedDocument,
  documentHash as documentHashOf,
  type SignedDocument,
  type WealthProduct,
  checkSuitability,
  findProduct,
  scoreAssessment,
  type AssessmentResult,
  type NotificationData,
  type NotificationName,
  type QuestionnaireDefinition,
  type RequestData,
  type Role,
  type SuitabilityResult,
  type KioskWorkflowView,
  type TellerWorkflowView,
} from '@vtm/shared';
import { RequestError, notAllowed, notFound } from '../errors.ts';
import type { CustomerDetails } from '../customers/customer-identity.service.ts';
import type { EvidenceFileRecord, Repositories } from '../storage/repositories.ts';

export interface WorkflowPorts {
  repos: Repositories;
  /** An uploaded evidence file of this session and kind, or a refusal. */
  evidence(evidenceId: number, kind: string): Promise<EvidenceFileRecord>;
  /** What is known of the customer: age from the verified document, earlier assessments. */
  customer(): Promise<CustomerDetails>;
  /** How many times a customer may retake the assessment on one day. */
  maxRetakesPerDay?: number;
  /** Stores an event on the session's timeline. */
  record(type: string, payload: unknown): Promise<void>;
  /** Tells one party of the call. */
  notify<N extends NotificationName>(role: Role, name: N, data: NotificationData<N>): void;
}

type IdentityCheck = RequestData<'identity.record'>;

export class SessionWorkflow {
  readonly sessionId: string;
  readonly #ports: WorkflowPorts;
  readonly #definition: QuestionnaireDefinition;
  #identityVerified = false;
  #questionnaireStarted = false;
  #shownQuestionId: string | null = null;
  /** The customer's current answer per question, with the stored row it came from. */
  readonly #answers = new Map<string, { optionIds: string[]; answerId: number }>();
  /** What the teller was told of each current answer, and every change, for a teller who takes over. */
  readonly #answersSeen = new Map<string, NotificationData<'answer.received'>>();
  readonly #changes: NotificationData<'answer.received'>[] = [];
  #suitability: SuitabilityResult | null = null;
  #acknowledgementRetry = false;
  #acknowledgementReceived: NotificationData<'acknowledgement.received'> | null = null;
  #signatureReceived: NotificationData<'signature.received'> | null = null;
  #result: (AssessmentResult & { assessedAt: Date }) | null = null;
  /** The product whose sale was allowed, once proposed. */
  #product: WealthProduct | null = null;
  #disclosure: 'not-shown' | 'shown' | 'confirmed' = 'not-shown';
  #acknowledgement: 'not-requested' | 'requested' | 'submitted' | 'accepted' = 'not-requested';
  #signature: { document: SignedDocument; documentHash: string; signed: boolean } | null = null;

  constructor(sessionId: string, ports: WorkflowPorts, definition: QuestionnaireDefinition = RISK_QUESTIONNAIRE_V1) {
    this.sessionId = sessionId;
    this.#ports = ports;
    this.#definition = definition;
  }

  get identityVerified(): boolean {
    return this.#identityVerified;
  }

  /** Returns whether the session may go on (false: identity failed, the session must end). */
  async recordIdentity(check: IdentityCheck, tellerName: string): Promise<boolean> {
    if (this.#identityVerified) throw notAllowed('identity is already verified');
    const at = new Date();
    await this.#ports.record(check.verified ? 'identity.verified' : 'identity.failed', { ...check, teller: tellerName });
    if (check.verified) {
      this.#identityVerified = true;
      await this.#ports.repos.assessments.recordIdentityVerified(this.sessionId, at.toISOString());
    }
    this.#ports.notify('kiosk', 'identity.recorded', { verified: check.verified });
    return check.verified;
  }

  async beginQuestionnaire(): Promise<QuestionnaireDefinition> {
    if (!this.#identityVerified) throw notAllowed('verify the customer\'s identity before the questionnaire');
    if (!this.#questionnaireStarted) {
      // Retaking the assessment on the same day (to reach a higher level) is limited and flagged.
      const { assessmentsToday } = await this.#ports.customer();
      const retake = checkRetake({ previousAssessmentsToday: assessmentsToday, maxRetakesPerDay: this.#ports.maxRetakesPerDay });
      if (!retake.allowed) {
        await this.#ports.record('assessment.retake-refused', { assessmentsToday });
        throw notAllowed(retake.message?.en ?? 'too many assessments today');
      }
      if (retake.flagged) await this.#ports.record('assessment.retake', { retakeNumber: retake.retakeNumber, flagged: true });
      this.#questionnaireStarted = true;
      await this.#ports.record('questionnaire.started', {
        questionnaireId: this.#definition.id,
        version: this.#definition.version,
      });
    }
    return this.#definition;
  }

  async showQuestion(questionId: string): Promise<void> {
    if (!this.#questionnaireStarted) throw notAllowed('begin the questionnaire first');
    if (this.#result) throw notAllowed('the assessment is finished');
    const index = this.#definition.questions.findIndex((q) => q.id === questionId);
    if (index < 0) throw notFound('question');
    this.#shownQuestionId = questionId;
    await this.#ports.record('question.shown', { questionId, index: index + 1 });
    this.#ports.notify('kiosk', 'question.shown', {
      index: index + 1,
      total: this.#definition.questions.length,
      question: this.#definition.questions[index]!,
      selected: this.#answers.get(questionId)?.optionIds ?? null,
    });
  }

  /** The customer's answer, from the kiosk only, to the question on the kiosk's screen. */
  async answer(questionId: string, optionIds: string[]): Promise<void> {
    if (this.#result) throw notAllowed('the assessment is finished');
    if (questionId !== this.#shownQuestionId) throw notAllowed('this question is not on the screen');
    const question = this.#definition.questions.find((q) => q.id === questionId)!;
    const invalid = validateOneAnswer(this.#definition, questionId, optionIds);
    if (invalid) throw new RequestError('invalid-data', invalid);
    const ordered = question.options.map((o) => o.id).filter((id) => optionIds.includes(id));
    const previous = this.#answers.get(questionId) ?? null;
    if (previous && sameOptions(previous.optionIds, ordered)) return;
    const at = new Date();
    const answerId = await this.#ports.repos.assessments.addAnswer({
      sessionId: this.sessionId,
      questionnaireId: this.#definition.id,
      questionnaireVersion: this.#definition.version,
      questionId,
      optionIds: ordered,
      answeredAt: at.toISOString(),
      replacesAnswerId: previous?.answerId ?? null,
    });
    this.#answers.set(questionId, { optionIds: ordered, answerId });
    await this.#ports.record(previous ? 'answer.changed' : 'answer.given', {
      questionId,
      optionIds: ordered,
      ...(previous ? { previousOptionIds: previous.optionIds } : {}),
    });
    const received = { questionId, optionIds: ordered, previous: previous?.optionIds ?? null, at: at.toISOString() };
    this.#answersSeen.set(questionId, received);
    if (previous) this.#changes.push(received);
    this.#ports.notify('teller', 'answer.received', received);
  }

  /** Scores the answers with the shared rule; both screens are shown the level. */
  async finish(): Promise<AssessmentResult> {
    if (!this.#questionnaireStarted) throw notAllowed('begin the questionnaire first');
    const missing = this.#definition.questions.filter((q) => !this.#answers.has(q.id)).map((q) => q.id);
    if (missing.length) throw notAllowed(`not yet answered at the kiosk: ${missing.join(', ')}`);
    const answers = this.#definition.questions.map((q) => ({ questionId: q.id, optionIds: this.#answers.get(q.id)!.optionIds }));
    const scored = scoreAssessment(this.#definition, answers);
    const band = bandForScore(this.#definition, scored.score);
    const levelBand = this.#definition.levels.find((b) => b.level === scored.level) ?? band;
    const result: AssessmentResult = {
      questionnaireId: scored.questionnaireId,
      questionnaireVersion: scored.questionnaireVersion,
      score: scored.score,
      maxScore: scored.maxScore,
      level: scored.level,
      name: levelBand.name,
      explanation: levelBand.explanation,
      capReasons: scored.appliedCaps.map((c) => c.reason),
    };
    const assessedAt = new Date();
    await this.#ports.repos.assessments.addAssessment({
      sessionId: this.sessionId,
      questionnaireId: result.questionnaireId,
      questionnaireVersion: result.questionnaireVersion,
      answers: scored.answers,
      score: result.score,
      level: result.level,
      assessedAt: assessedAt.toISOString(),
    });
    await this.#ports.repos.assessments.recordLevel(this.sessionId, result.level);
    await this.#ports.record('level.computed', { score: result.score, maxScore: result.maxScore, level: result.level });
    this.#result = { ...result, assessedAt };
    this.#shownQuestionId = null;
    for (const role of ['kiosk', 'teller'] as const) this.#ports.notify(role, 'assessment.result', result);
    return result;
  }

  /**
   * A returning customer with an assessment still valid (12 months) may skip the
   * questionnaire: the earlier level applies, from its original date.
   */
  async reuseEarlierAssessment(): Promise<AssessmentResult> {
    if (!this.#identityVerified) throw notAllowed('verify the customer\'s identity first');
    if (this.#questionnaireStarted || this.#result) throw notAllowed('the questionnaire has already started');
    const { earlierAssessment } = await this.#ports.customer();
    if (!earlierAssessment) throw notAllowed('this customer has no valid earlier assessment');
    const band = this.#definition.levels.find((b) => b.level === earlierAssessment.level)!;
    const result: AssessmentResult = {
      questionnaireId: this.#definition.id,
      questionnaireVersion: this.#definition.version,
      score: earlierAssessment.score,
      maxScore: definitionMaxScore(this.#definition),
      level: band.level,
      name: band.name,
      explanation: band.explanation,
      capReasons: [],
    };
    this.#result = { ...result, assessedAt: new Date(earlierAssessment.assessedAt) };
    // What the customer signs is the assessment they took then.
    for (const answer of earlierAssessment.answers) this.#answers.set(answer.questionId, { optionIds: answer.optionIds, answerId: 0 });
    await this.#ports.repos.assessments.recordLevel(this.sessionId, result.level);
    await this.#ports.record('assessment.reused', {
      fromSession: earlierAssessment.sessionId,
      level: result.level,
      assessedAt: earlierAssessment.assessedAt,
    });
    for (const role of ['kiosk', 'teller'] as const) this.#ports.notify(role, 'assessment.result', result);
    return result;
  }

  /** Checks a product against the customer's level; blocked sales are recorded and shown too. */
  async proposeProduct(productCode: string): Promise<SuitabilityResult> {
    if (!this.#result) throw notAllowed('finish the assessment first');
    const product = findProduct(productCode);
    if (!product) throw notFound('product');
    const customerAge = await this.#customerAge();
    if (customerAge === null) throw notAllowed('the customer\'s age is not known');
    const decision = checkSuitability({
      customerLevel: this.#result.level,
      productRisk: product.riskLevel,
      customerAge,
      assessment: { assessedAt: this.#result.assessedAt },
      now: new Date(),
    });
    const result: SuitabilityResult = {
      productCode,
      productName: product.name,
      productRisk: product.riskLevel,
      customerLevel: this.#result.level,
      allowed: decision.allowed,
      reason: decision.allowed ? null : decision.reason,
      message: decision.allowed ? null : decision.message,
      extraConfirmation: decision.allowed ? (decision.extraConfirmation ?? []).map((r) => r.message) : [],
    };
    await this.#ports.record('product.chosen', { productCode, productRisk: product.riskLevel });
    await this.#ports.record('suitability.result', { productCode, allowed: result.allowed, reason: result.reason });
    if (result.allowed) await this.#ports.repos.assessments.recordProduct(this.sessionId, productCode);
    // A new proposal starts disclosure and signing over.
    this.#product = result.allowed ? product : null;
    this.#disclosure = 'not-shown';
    this.#acknowledgement = 'not-requested';
    this.#signature = null;
    this.#extraConfirmation = result.extraConfirmation;
    this.#suitability = result;
    this.#acknowledgementReceived = null;
    this.#signatureReceived = null;
    for (const role of ['kiosk', 'teller'] as const) this.#ports.notify(role, 'suitability.result', result);
    return result;
  }

  #extraConfirmation: SuitabilityResult['extraConfirmation'] = [];

  get signed(): boolean {
    return this.#signature?.signed ?? false;
  }

  /** What the customer signed, for the receipt. */
  get signedSale(): { product: WealthProduct; level: AssessmentResult; documentHash: string } | null {
    if (!this.#signature?.signed || !this.#product || !this.#result) return null;
    return { product: this.#product, level: this.#result, documentHash: this.#signature.documentHash };
  }

  async showDisclosure(): Promise<void> {
    const product = this.#requireProduct();
    this.#disclosure = 'shown';
    await this.#ports.record('disclosure.shown', { productCode: product.code, disclosureVersion: product.disclosure.version });
    this.#ports.notify('kiosk', 'disclosure.shown', {
      productCode: product.code,
      productName: product.name,
      disclosure: product.disclosure,
      extraConfirmation: this.#extraConfirmation,
    });
  }

  /** The customer's own confirmation, at the kiosk, of the disclosure on their screen. */
  async confirmDisclosure(productCode: string, disclosureVersion: number, extraConfirmed = false): Promise<void> {
    const product = this.#requireProduct();
    if (this.#disclosure !== 'shown') throw notAllowed('no disclosure is on the screen');
    if (productCode !== product.code || disclosureVersion !== product.disclosure.version) {
      throw new RequestError('conflict', 'this is not the disclosure on the screen');
    }
    // Customers aged 65 or more, and C1 customers, confirm the extra notices separately.
    if (this.#extraConfirmation.length > 0 && !extraConfirmed) {
      throw notAllowed('the customer must also confirm the extra notices');
    }
    this.#disclosure = 'confirmed';
    await this.#ports.record('disclosure.confirmed', {
      productCode,
      disclosureVersion,
      extraConfirmed: this.#extraConfirmation.length > 0 ? extraConfirmed : null,
    });
    this.#ports.notify('teller', 'disclosure.confirmed', { productCode, disclosureVersion });
  }

  async requestAcknowledgement(): Promise<void> {
    const product = this.#requireProduct();
    if (this.#disclosure !== 'confirmed') throw notAllowed('the customer has not confirmed the disclosure');
    if (this.#acknowledgement === 'accepted') throw notAllowed('the acknowledgement is already accepted');
    const retry = this.#acknowledgement !== 'not-requested';
    this.#acknowledgement = 'requested';
    this.#acknowledgementRetry = retry;
    this.#acknowledgementReceived = null;
    await this.#ports.record('acknowledgement.requested', { retry });
    this.#ports.notify('kiosk', 'acknowledgement.requested', { sentence: product.disclosure.acknowledgement, retry });
  }

  async submitAcknowledgement(input: RequestData<'acknowledgement.submit'>): Promise<void> {
    if (this.#acknowledgement !== 'requested') throw notAllowed('no handwritten acknowledgement was asked for');
    const image = await this.#ports.evidence(input.imageEvidenceId, 'acknowledgement-image');
    const strokes = await this.#ports.evidence(input.strokesEvidenceId, 'acknowledgement-strokes');
    // The kiosk's number is not trusted: the score is recomputed from the recognised text.
    const expected = this.#requireProduct().disclosure.acknowledgement['zh-CN'];
    const matchScore = acknowledgementMatchScore(expected, input.recognisedText).score;
    this.#acknowledgement = 'submitted';
    await this.#ports.record('acknowledgement.submitted', {
      recognisedText: input.recognisedText,
      matchScore,
      kioskMatchScore: input.matchScore,
      imageEvidenceId: image.id,
      imageSha256: image.sha256,
      strokesEvidenceId: strokes.id,
      strokesSha256: strokes.sha256,
    });
    this.#acknowledgementReceived = { imageEvidenceId: image.id, recognisedText: input.recognisedText, matchScore };
    this.#ports.notify('teller', 'acknowledgement.received', this.#acknowledgementReceived);
  }

  async reviewAcknowledgement(accepted: boolean): Promise<void> {
    const product = this.#requireProduct();
    if (this.#acknowledgement !== 'submitted') throw notAllowed('no handwritten acknowledgement to review');
    await this.#ports.record(accepted ? 'acknowledgement.accepted' : 'acknowledgement.rejected', {});
    if (accepted) {
      this.#acknowledgement = 'accepted';
      this.#ports.notify('kiosk', 'acknowledgement.accepted', {});
    } else {
      this.#acknowledgement = 'requested';
      this.#acknowledgementRetry = true;
      this.#acknowledgementReceived = null;
      this.#ports.notify('kiosk', 'acknowledgement.requested', { sentence: product.disclosure.acknowledgement, retry: true });
    }
  }

  /** Builds the document the signature binds to, from what is stored, and asks for the signature. */
  async requestSignature(): Promise<string> {
    const product = this.#requireProduct();
    if (this.#acknowledgement !== 'accepted') throw notAllowed('accept the handwritten acknowledgement first');
    const answers = this.#definition.questions.map((q) => ({ questionId: q.id, optionIds: this.#answers.get(q.id)!.optionIds }));
    const document = buildSignedDocument(this.#definition, answers, product);
    const documentHash = await documentHashOf(document);
    this.#signature = { document, documentHash, signed: false };
    await this.#ports.record('signature.requested', { documentHash });
    this.#ports.notify('kiosk', 'signature.requested', {
      document,
      documentHash,
      productName: product.name,
      levelName: this.#result!.name,
    });
    return documentHash;
  }

  async submitSignature(input: RequestData<'signature.submit'>): Promise<void> {
    const pending = this.#signature;
    if (!pending || pending.signed) throw notAllowed('no signature was asked for');
    if (input.documentHash !== pending.documentHash) throw new RequestError('conflict', 'the signature is for a different document');
    const png = await this.#ports.evidence(input.imageEvidenceId, 'signature-image');
    const svg = await this.#ports.evidence(input.svgEvidenceId, 'signature-svg');
    const strokes = await this.#ports.evidence(input.strokesEvidenceId, 'signature-strokes');
    const signedAt = new Date().toISOString();
    await this.#ports.repos.signing.addSignature({
      sessionId: this.sessionId,
      document: pending.document,
      documentHash: pending.documentHash,
      pngEvidenceId: png.id,
      svgEvidenceId: svg.id,
      strokesEvidenceId: strokes.id,
      signedAt,
    });
    pending.signed = true;
    await this.#ports.record('signature.submitted', {
      documentHash: pending.documentHash,
      imageSha256: png.sha256,
      svgSha256: svg.sha256,
      strokesSha256: strokes.sha256,
    });
    this.#signatureReceived = { imageEvidenceId: png.id, documentHash: pending.documentHash };
    this.#ports.notify('teller', 'signature.received', this.#signatureReceived);
  }

  /**
   * Where the steps stand, as a teller's console shows them: for a teller who takes over
   * the session after its first teller was lost, or who reconnects.
   */
  tellerView(): TellerWorkflowView {
    return {
      identity: this.#identityVerified ? 'verified' : 'pending',
      questions: this.#questionnaireStarted ? this.#definition.questions : [],
      shownQuestionId: this.#result ? null : this.#shownQuestionId,
      answers: [...this.#answersSeen.values()],
      changes: [...this.#changes],
      assessment: this.#publicResult(),
      suitability: this.#suitability,
      disclosure: this.#disclosure,
      acknowledgement:
        this.#acknowledgement === 'not-requested'
          ? null
          : this.#acknowledgement === 'submitted'
            ? this.#acknowledgementReceived
            : this.#acknowledgement,
      signature: this.#signature ? (this.#signature.signed ? this.#signatureReceived : 'requested') : null,
    };
  }

  /** Where the steps stand, as the kiosk's screen shows them: for a kiosk that reconnects. */
  kioskView(): KioskWorkflowView {
    const shownIndex = this.#shownQuestionId ? this.#definition.questions.findIndex((q) => q.id === this.#shownQuestionId) : -1;
    const product = this.#product;
    const signature = this.#signature;
    return {
      identity: this.#identityVerified ? true : null,
      question:
        shownIndex >= 0 && !this.#result
          ? {
              index: shownIndex + 1,
              total: this.#definition.questions.length,
              question: this.#definition.questions[shownIndex]!,
              selected: this.#answers.get(this.#shownQuestionId!)?.optionIds ?? null,
            }
          : null,
      answered: this.#shownQuestionId !== null && this.#answers.has(this.#shownQuestionId),
      assessment: this.#publicResult(),
      suitability: this.#suitability,
      disclosure:
        product && this.#disclosure !== 'not-shown'
          ? { productCode: product.code, productName: product.name, disclosure: product.disclosure, extraConfirmation: this.#extraConfirmation }
          : null,
      disclosureConfirmed: this.#disclosure === 'confirmed',
      acknowledgement:
        product && this.#acknowledgement !== 'not-requested'
          ? {
              sentence: product.disclosure.acknowledgement,
              retry: this.#acknowledgementRetry,
              state: this.#acknowledgement === 'requested' ? 'writing' : this.#acknowledgement,
            }
          : null,
      signature:
        signature && product && this.#result
          ? {
              document: signature.document,
              documentHash: signature.documentHash,
              productName: product.name,
              levelName: this.#result.name,
              submitted: signature.signed,
            }
          : null,
    };
  }

  #publicResult(): AssessmentResult | null {
    if (!this.#result) return null;
    const { assessedAt: _assessedAt, ...result } = this.#result;
    return result;
  }

  #requireProduct(): WealthProduct {
    if (!this.#product) throw notAllowed('propose a product the customer may buy first');
    return this.#product;
  }

  /**
   * The age on the verified document; without one, the age band the customer chose gives
   * the youngest age they can be.
   */
  async #customerAge(): Promise<number | null> {
    const { age } = await this.#ports.customer();
    if (age !== null) return age;
    const ageQuestion = this.#definition.questions.find((q) => q.kind === 'single' && q.prefill === 'verified-id-age');
    const chosen = ageQuestion && this.#answers.get(ageQuestion.id)?.optionIds[0];
    return ageQuestion?.options.find((o) => o.id === chosen)?.ageRange?.min ?? null;
  }
}

function sameOptions(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** Why one answer is not acceptable for its question, or null. */
function validateOneAnswer(definition: QuestionnaireDefinition, questionId: string, optionIds: string[]): string | null {
  const question = definition.questions.find((q) => q.id === questionId);
  if (!question) return 'unknown question';
  const known = new Set(question.options.map((o) => o.id));
  if (optionIds.length === 0) return 'choose an option';
  if (new Set(optionIds).size !== optionIds.length) return 'an option is listed twice';
  if (optionIds.some((id) => !known.has(id))) return 'unknown option';
  if (question.kind === 'single' && optionIds.length !== 1) return 'choose exactly one option';
  const exclusive = question.options.filter((o) => o.exclusive).map((o) => o.id);
  if (optionIds.length > 1 && optionIds.some((id) => exclusive.includes(id))) return '"none of these" cannot be combined';
  return null;
}
