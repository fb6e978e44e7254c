/**
 * The checks of the regulated steps, from the session's stored timeline and rows: each
 * says whether the rule held and why, in words a compliance reviewer can act on. They
 * recompute what they can with the rules in shared/ (scoring, suitability, the signed
 * document's hash) rather than trusting what the workflow wrote down at the time.
 *
 * Order on the timeline is the order in which the server stored the events (their ids):
 * the workflow records each step as it happens, one after another.
 */
import {
  CustomerRiskLevel,
  InvalidAnswersError,
  RISK_QUESTIONNAIRE_V1,
  ageOn,
  beijingDay,
  checkSuitability,
  documentHash,
  findProduct,
  productRiskWithinTolerance,
  scoreAssessment,
  type QualityCheck,
  type QuestionnaireDefinition,
} from '@vtm/shared';
import { fail, field, pass, when, type RegulatedFacts, type ReviewAnswer, type ReviewAssessment, type ReviewEvent } from './review-facts.ts';

/** Questionnaires this server can score, by id and version. */
const QUESTIONNAIRES: readonly QuestionnaireDefinition[] = [RISK_QUESTIONNAIRE_V1];

export function questionnaireFor(id: string, version: number): QuestionnaireDefinition | undefined {
  return QUESTIONNAIRES.find((q) => q.id === id && q.version === version);
}

const QUESTIONNAIRE_STEPS = new Set(['questionnaire.started', 'question.shown', 'answer.given', 'answer.changed', 'level.computed', 'assessment.reused']);
const ANSWER_EVENTS = new Set(['answer.given', 'answer.changed']);
const AFTER_DISCLOSURE = /^(acknowledgement|signature)\./;

const firstOf = (events: ReviewEvent[], test: (e: ReviewEvent) => boolean) => events.findIndex(test);
const isType = (...types: string[]) => (e: ReviewEvent) => types.includes(e.type);

// ---- consent -----------------------------------------------------------------------

/**
 * Consent to recording comes before anything else: the first step after the session was
 * opened is the customer's consent decision, and a refusal ends the session there.
 */
export function checkConsentFirst(events: ReviewEvent[]): QualityCheck {
  const id = 'consent-first';
  const steps = events.filter((e) => e.type !== 'session.created');
  const consentAt = firstOf(steps, isType('consent.given', 'consent.declined'));
  if (consentAt < 0) return fail(id, 'No consent to recording was recorded.');
  if (consentAt > 0) {
    return fail(id, `"${steps[0]!.type}" was recorded ${when(steps[0]!)}, before the customer's consent ${when(steps[consentAt]!)}.`);
  }
  const consent = steps[0]!;
  const version = field(consent, 'consentVersion');
  if (consent.type === 'consent.declined') {
    const after = steps.slice(1).find((e) => e.type !== 'session.ended');
    if (after) return fail(id, `Consent was declined, yet "${after.type}" followed ${when(after)}.`);
    return pass(id, `The customer declined recording (consent ${String(version)}) and the session ended there.`);
  }
  return pass(id, `Consent to recording (version ${String(version)}) was given ${when(consent)}, before any other step.`);
}

// ---- identity ----------------------------------------------------------------------

/** The teller verified the customer's identity before any step of the questionnaire. */
export function checkIdentityBeforeQuestionnaire(events: ReviewEvent[]): QualityCheck {
  const id = 'identity-before-questionnaire';
  const verifiedAt = firstOf(events, isType('identity.verified'));
  const questionnaireAt = firstOf(events, (e) => QUESTIONNAIRE_STEPS.has(e.type));
  if (verifiedAt < 0) {
    const failed = events.find(isType('identity.failed'));
    const why = failed ? `the teller marked it failed ${when(failed)}` : 'no identity check was recorded';
    return fail(id, `The customer's identity was never verified: ${why}.`);
  }
  const verified = events[verifiedAt]!;
  if (questionnaireAt < 0) return pass(id, `Identity verified ${when(verified)}; the questionnaire was not started.`);
  const first = events[questionnaireAt]!;
  if (questionnaireAt < verifiedAt) {
    return fail(id, `"${first.type}" ${when(first)} came before the identity was verified ${when(verified)}.`);
  }
  return pass(id, `Identity verified ${when(verified)}, before the questionnaire started ${when(first)}.`);
}

// ---- answers -----------------------------------------------------------------------

const sameOptions = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Every answer was given by the customer at the kiosk. Only the kiosk's connection can
 * answer (the server refuses the teller), and each accepted answer is stored as a row and
 * put on the timeline as answer.given / answer.changed, for the question the teller had
 * just put on the kiosk's screen. So: each stored row must match, one for one and in
 * order, an answer event for the question then shown; a row without such an event came
 * some other way.
 */
export function checkAnswersAtKiosk(facts: Pick<RegulatedFacts, 'events' | 'answers'>): QualityCheck {
  const id = 'answers-at-kiosk';
  const { events, answers } = facts;
  const answerEvents = events.filter((e) => ANSWER_EVENTS.has(e.type));
  const reused = events.find(isType('assessment.reused'));
  if (answers.length === 0 && answerEvents.length === 0) {
    if (reused) {
      return pass(id, `No questions were asked: the assessment of session ${String(field(reused, 'fromSession'))} was reused ${when(reused)}.`);
    }
    return fail(id, 'No answers were recorded: the questionnaire was not taken.');
  }
  const offScreen = answerOffScreen(events);
  if (offScreen) return fail(id, offScreen);
  const rows = [...answers].sort((a, b) => a.id - b.id);
  for (let i = 0; i < Math.max(rows.length, answerEvents.length); i++) {
    const row = rows[i];
    const event = answerEvents[i];
    if (!row) return fail(id, `The kiosk's answer to ${String(field(event!, 'questionId'))} ${when(event!)} has no stored answer.`);
    if (!event || !answerMatches(row, event)) {
      return fail(id, `Stored answer #${row.id} (${row.questionId}: ${row.optionIds.join(', ')}) has no matching answer from the kiosk on the timeline.`);
    }
  }
  const changes = answerEvents.filter(isType('answer.changed')).length;
  const questions = new Set(rows.map((r) => r.questionId)).size;
  return pass(
    id,
    `All ${rows.length} answers to ${questions} questions${changes ? ` (${changes} changed)` : ''} came from the kiosk, each to the question on its screen.`,
  );
}

/** The first answer given to a question that was not the one on the kiosk's screen, as a reason. */
function answerOffScreen(events: ReviewEvent[]): string | null {
  let shown: unknown = null;
  for (const event of events) {
    if (event.type === 'question.shown') shown = field(event, 'questionId');
    else if (event.type === 'level.computed') shown = null;
    else if (ANSWER_EVENTS.has(event.type) && field(event, 'questionId') !== shown) {
      return `The answer to ${String(field(event, 'questionId'))} ${when(event)} was not to the question on the kiosk's screen (${shown === null ? 'none' : String(shown)}).`;
    }
  }
  return null;
}

function answerMatches(row: ReviewAnswer, event: ReviewEvent): boolean {
  const optionIds = field(event, 'optionIds');
  return field(event, 'questionId') === row.questionId && Array.isArray(optionIds) && sameOptions(optionIds as string[], row.optionIds);
}

/** Each question's answer that counts: its latest row. */
export function currentAnswers(answers: ReviewAnswer[]): Array<{ questionId: string; optionIds: string[] }> {
  const latest = new Map<string, ReviewAnswer>();
  for (const answer of [...answers].sort((a, b) => a.id - b.id)) latest.set(answer.questionId, answer);
  return [...latest.values()].map((a) => ({ questionId: a.questionId, optionIds: a.optionIds }));
}

// ---- level -------------------------------------------------------------------------

/**
 * Scoring the stored answers again with the shared rule gives the level that was stored
 * (on the assessment, on the session, and on the timeline). A reused assessment is
 * re-scored from the answers stored with it.
 */
export function checkLevelRecomputed(facts: RegulatedFacts): QualityCheck {
  const id = 'level-recomputed';
  const reused = facts.reusedAssessment;
  const assessment = facts.assessments.at(-1) ?? reused;
  if (!assessment) return fail(id, 'No assessment was stored: the level was never computed.');
  const definition = questionnaireFor(assessment.questionnaireId, assessment.questionnaireVersion);
  if (!definition) return fail(id, `Questionnaire ${assessment.questionnaireId} v${assessment.questionnaireVersion} is not known to this server.`);
  const fromReuse = assessment === reused;
  const answers = fromReuse ? assessment.answers : currentAnswers(facts.answers);
  let recomputed: { level: string; score: number };
  try {
    recomputed = scoreAssessment(definition, answers);
  } catch (error) {
    if (error instanceof InvalidAnswersError) return fail(id, `The stored answers cannot be scored: ${error.message}.`);
    throw error;
  }
  const claims = storedLevelClaims(facts, assessment, fromReuse);
  const wrong = claims.find((c) => c.level !== recomputed.level);
  if (wrong) return fail(id, `Recomputed ${recomputed.level} (score ${recomputed.score}) from the stored answers, but ${wrong.where} says ${String(wrong.level)}.`);
  if (assessment.score !== recomputed.score) {
    return fail(id, `Recomputed score ${recomputed.score}, but the stored assessment says ${assessment.score}.`);
  }
  const source = fromReuse ? `the reused assessment of session ${assessment.sessionId}` : 'the stored answers';
  return pass(id, `Recomputed ${recomputed.level} (score ${recomputed.score}) from ${source}: equals the stored level.`);
}

/** Every place the session's level was written down, each of which must agree with the rule. */
function storedLevelClaims(facts: RegulatedFacts, assessment: ReviewAssessment, fromReuse: boolean) {
  const claims: Array<{ where: string; level: unknown }> = [
    { where: 'the stored assessment', level: assessment.level },
    { where: 'the session', level: facts.stored.riskLevel },
  ];
  const event = facts.events.findLast(isType(fromReuse ? 'assessment.reused' : 'level.computed'));
  if (event) claims.push({ where: `the timeline (${event.type})`, level: field(event, 'level') });
  return claims;
}

// ---- suitability -------------------------------------------------------------------

/**
 * Every product the server allowed passes the shared suitability rule again (risk within
 * the level, adult, assessment valid at that moment); a blocked product is fine, it was
 * not sold. The product stored on the session and signed for must be one that was allowed.
 */
export function checkSuitabilityRespected(facts: RegulatedFacts): QualityCheck {
  const id = 'suitability-respected';
  const results = facts.events.filter(isType('suitability.result'));
  if (results.length === 0) return fail(id, 'No product was checked for suitability.');
  const assessment = facts.assessments.at(-1) ?? facts.reusedAssessment ?? undefined;
  const level = CustomerRiskLevel.safeParse(facts.stored.riskLevel ?? assessment?.level);
  if (!level.success) return fail(id, 'A product was proposed, but the session has no customer level.');

  const allowed: string[] = [];
  const blocked: string[] = [];
  for (const result of results) {
    const code = String(field(result, 'productCode'));
    if (field(result, 'allowed') !== true) {
      blocked.push(code);
      continue;
    }
    const product = findProduct(code);
    if (!product) return fail(id, `Product ${code}, allowed ${when(result)}, is not in the catalogue.`);
    const refusal = suitabilityRefusal(facts, level.data, product.riskLevel, assessment, result);
    if (refusal) return fail(id, `${code} (${product.riskLevel}) was allowed ${when(result)} for a ${level.data} customer, but the rule says: ${refusal}.`);
    allowed.push(`${code} (${product.riskLevel})`);
  }
  const sold = facts.stored.productCode;
  if (sold && !results.some((r) => field(r, 'productCode') === sold && field(r, 'allowed') === true)) {
    return fail(id, `The session records the product ${sold}, which was never allowed.`);
  }
  const parts = [allowed.length ? `allowed within ${level.data}: ${allowed.join(', ')}` : null, blocked.length ? `blocked: ${blocked.join(', ')}` : null];
  return pass(id, `Suitability respected (${parts.filter(Boolean).join('; ')}).`);
}

/** Why the shared rule would have refused this sale at that moment, or null if it allows it. */
function suitabilityRefusal(
  facts: RegulatedFacts,
  level: CustomerRiskLevel,
  productRisk: Parameters<typeof productRiskWithinTolerance>[1],
  assessment: ReviewAssessment | undefined,
  result: ReviewEvent,
): string | null {
  // Without a verified birth date or assessment date only the risk rule can be re-applied.
  if (!facts.customerBirthDate || !assessment) {
    return productRiskWithinTolerance(level, productRisk) ? null : 'product-risk-too-high';
  }
  const at = new Date(result.at);
  const decision = checkSuitability({
    customerLevel: level,
    productRisk,
    customerAge: ageOn(facts.customerBirthDate, beijingDay(at)),
    assessment: { assessedAt: assessment.assessedAt },
    now: at,
  });
  return decision.allowed ? null : decision.reason;
}

// ---- disclosure --------------------------------------------------------------------

/**
 * The product's risk disclosure was shown and confirmed at the kiosk before the
 * handwritten acknowledgement and the signature. Proposing a product starts disclosure
 * over, so each acknowledgement or signature step is judged against the disclosure of
 * the product proposed last before it.
 */
export function checkDisclosureBeforeSignature(facts: RegulatedFacts): QualityCheck {
  const id = 'disclosure-before-signature';
  let product: { code: string; allowed: boolean } | null = null;
  let shown: ReviewEvent | null = null;
  let confirmed: ReviewEvent | null = null;
  /** The first acknowledgement or signature step, and the disclosure confirmed before the last one. */
  let firstAfter: ReviewEvent | null = null;
  let governing: { code: string; shown: ReviewEvent; confirmed: ReviewEvent } | null = null;
  for (const event of facts.events) {
    if (event.type === 'suitability.result') {
      product = { code: String(field(event, 'productCode')), allowed: field(event, 'allowed') === true };
      shown = confirmed = null;
    } else if (event.type === 'disclosure.shown' && product && field(event, 'productCode') === product.code) {
      shown = event;
    } else if (event.type === 'disclosure.confirmed' && shown && field(event, 'productCode') === product?.code) {
      confirmed = event;
    } else if (AFTER_DISCLOSURE.test(event.type)) {
      if (!product?.allowed) return fail(id, `"${event.type}" ${when(event)} came without a product allowed for sale.`);
      if (!confirmed || !shown) {
        const missing = shown ? `confirmed at the kiosk (shown ${when(shown)})` : 'shown';
        return fail(id, `"${event.type}" ${when(event)} came before the disclosure of ${product.code} was ${missing}.`);
      }
      firstAfter ??= event;
      governing = { code: product.code, shown, confirmed };
    }
  }
  if (!governing || !firstAfter) return fail(id, 'No handwritten acknowledgement or signature followed a confirmed risk disclosure.');
  const version = field(governing.confirmed, 'disclosureVersion');
  const document = facts.signature?.document as { productCode?: unknown; disclosureVersion?: unknown } | undefined;
  if (document && (document.productCode !== governing.code || document.disclosureVersion !== version)) {
    return fail(
      id,
      `The signed document is for ${String(document.productCode)} disclosure v${String(document.disclosureVersion)}, but the customer confirmed ${governing.code} v${String(version)}.`,
    );
  }
  return pass(
    id,
    `Disclosure of ${governing.code} v${String(version)} shown ${when(governing.shown)} and confirmed at the kiosk ${when(governing.confirmed)}, before "${firstAfter.type}" ${when(firstAfter)}.`,
  );
}

// ---- signature ---------------------------------------------------------------------

/**
 * The hash the customer signed is the SHA-256 of the stored document (recomputed over its
 * canonical JSON with the shared rule), the one announced on the timeline, and the
 * document names the level and product the session holds.
 */
export async function checkSignatureDocumentHash(facts: RegulatedFacts): Promise<QualityCheck> {
  const id = 'signature-document-hash';
  const signature = facts.signature;
  if (!signature) return fail(id, 'No signature is stored for this session.');
  let recomputed: string;
  try {
    recomputed = await documentHash(signature.document as Parameters<typeof documentHash>[0]);
  } catch (error) {
    return fail(id, `The stored document cannot be hashed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}.`);
  }
  const short = (h: string) => `${h.slice(0, 12)}…`;
  if (recomputed !== signature.documentHash) {
    return fail(id, `The stored document hashes to ${short(recomputed)}, but the signature is bound to ${short(signature.documentHash)}.`);
  }
  const submitted = facts.events.findLast(isType('signature.submitted'));
  if (!submitted) return fail(id, 'A signature is stored, but its submission is not on the timeline.');
  if (field(submitted, 'documentHash') !== recomputed) {
    return fail(id, `The timeline's signature ${when(submitted)} is bound to ${short(String(field(submitted, 'documentHash')))}, not to the stored document ${short(recomputed)}.`);
  }
  const document = signature.document as { level?: unknown; productCode?: unknown };
  if (document.level !== facts.stored.riskLevel || document.productCode !== facts.stored.productCode) {
    return fail(
      id,
      `The signed document says ${String(document.level)} / ${String(document.productCode)}, the session holds ${String(facts.stored.riskLevel)} / ${String(facts.stored.productCode)}.`,
    );
  }
  return pass(id, `The stored document hashes to ${short(recomputed)}, the hash signed ${when(submitted)}.`);
}
