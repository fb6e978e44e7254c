/**
 * The regulated steps of a sale as the teller and the customer do them in the two UIs:
 * identity, the questionnaire answered by touch at the kiosk, the product, the disclosure,
 * the handwritten acknowledgement and the signature. For tests that need a whole session.
 */
import type { Page } from 'playwright-core';
import { RISK_QUESTIONNAIRE_V1, type Question } from '@vtm/shared';
import type { CallPages } from './call-flow.ts';
import { sign, writeInGrid } from './drawing.ts';

export type Pick = 'most-adventurous' | 'most-cautious';

/** The option a customer of this kind taps for a question. */
export function choose(question: Question, pick: Pick): string {
  const candidates = question.options.filter((o) => question.kind === 'single' || !o.exclusive || question.options.length === 1);
  const sorted = [...(candidates.length ? candidates : question.options)].sort((a, b) => a.score - b.score);
  return (pick === 'most-adventurous' ? sorted.at(-1) : sorted[0])!.id;
}

/**
 * The teller starts the questionnaire and shows each question; the customer taps an
 * answer at the kiosk. Returns the option chosen for each question. With `onSecondQuestion`,
 * it is called while the second question is on the kiosk (for a screenshot).
 */
export async function answerEveryQuestion(pages: CallPages, pick: Pick, onSecondQuestion?: () => Promise<void>): Promise<Record<string, string>> {
  const chosen: Record<string, string> = {};
  await pages.teller.getByTestId('begin-questionnaire').click();
  for (const question of RISK_QUESTIONNAIRE_V1.questions) {
    await pages.teller.locator(`[data-testid="teller-question"][data-question-id="${question.id}"] [data-testid="show-question"]`).click();
    const onKiosk = pages.kiosk.locator(`[data-testid="question"][data-question-id="${question.id}"]`);
    await onKiosk.waitFor();
    if (onSecondQuestion && question === RISK_QUESTIONNAIRE_V1.questions[1]) await onSecondQuestion();
    const optionId = choose(question, pick);
    chosen[question.id] = optionId;
    await onKiosk.locator(`[data-testid="option"][data-option-id="${optionId}"]`).click();
    if (question.kind === 'multiple') await onKiosk.getByTestId('confirm-answer').click();
    await pages.teller.locator(`[data-testid="teller-question"][data-question-id="${question.id}"] [data-testid="teller-answer"]`).waitFor();
  }
  return chosen;
}

/** The teller ticks every identity check and marks the customer verified. */
export async function verifyIdentity(teller: Page): Promise<void> {
  const step = teller.getByTestId('identity-step');
  for (const label of ['Face matches the ID photo', 'Document appears genuine', 'Document is valid (not expired)']) {
    await step.getByLabel(label).check();
  }
  await step.getByRole('button', { name: 'Identity verified' }).click();
  await teller.locator('[data-testid="identity-step"][data-state="verified"]').waitFor();
}

/** The teller proposes a product the customer's level allows; both screens show it allowed. */
export async function proposeSuitableProduct(pages: CallPages, productCode: string): Promise<void> {
  await pages.teller.getByTestId('product-select').selectOption(productCode);
  await pages.teller.getByTestId('propose-product').click();
  await pages.teller.locator('[data-testid="teller-suitability"][data-allowed="true"]').waitFor();
  await pages.kiosk.locator('[data-testid="suitability"][data-allowed="true"]').waitFor();
}

/** The disclosure shown at the kiosk and confirmed there. */
export async function discloseAndConfirm(pages: CallPages): Promise<void> {
  await pages.teller.getByTestId('show-disclosure').click();
  await pages.kiosk.getByTestId('disclosure').waitFor();
  await pages.kiosk.getByTestId('confirm-disclosure').click();
  await pages.teller.locator('[data-testid="disclosure-state"][data-state="confirmed"]').waitFor();
}

/** The customer copies the acknowledgement sentence into the writing grid and sends it. */
export async function writeAcknowledgement(pages: CallPages): Promise<void> {
  const pad = pages.kiosk.getByTestId('handwriting-pad');
  await pad.waitFor();
  const columns = Number(await pad.getAttribute('data-columns'));
  const rows = Number(await pad.getAttribute('data-rows'));
  await writeInGrid(pages.kiosk, pad, columns, rows);
  await pages.kiosk.getByTestId('handwriting-confirm').click();
  await pages.teller.getByTestId('acknowledgement-received').waitFor({ timeout: 30_000 });
}

/** Acknowledgement requested, written and accepted; then the signature, bound to the document. */
export async function acknowledgeAndSign(pages: CallPages): Promise<void> {
  await pages.teller.getByTestId('request-acknowledgement').click();
  await writeAcknowledgement(pages);
  await pages.teller.getByTestId('accept-acknowledgement').click();
  await pages.teller.getByTestId('acknowledgement-accepted').waitFor();
  await pages.kiosk.locator('[data-testid="acknowledgement"][data-state="accepted"]').waitFor();
  await pages.teller.getByTestId('request-signature').click();
  const pad = pages.kiosk.getByTestId('signature-pad');
  await pad.waitFor();
  await sign(pages.kiosk, pad);
  await pages.kiosk.getByTestId('signature-confirm').click();
  await pages.teller.getByTestId('signature-received').waitFor();
}

/** The teller closes the session with its outcome; the kiosk shows the call ended. */
export async function completeSession(pages: CallPages, outcome = 'completed'): Promise<void> {
  await pages.teller.getByTestId('outcome-select').selectOption(outcome);
  await pages.teller.getByTestId('complete-session').click();
  await pages.kiosk.getByTestId('call-ended').waitFor();
}

/**
 * Every regulated step of a sale in an accepted call, up to the signature: identity
 * verified, a still of the customer, the most adventurous answers, the product, its
 * disclosure, the handwritten acknowledgement and the signature.
 */
export async function sellUpToSignature(pages: CallPages, productCode: string): Promise<void> {
  await verifyIdentity(pages.teller);
  await pages.teller.getByTestId('take-still').click();
  await pages.teller.getByRole('button', { name: 'Take still (1)' }).waitFor();
  await answerEveryQuestion(pages, 'most-adventurous');
  await pages.teller.getByTestId('finish-assessment').click();
  await pages.kiosk.getByTestId('assessment-result').waitFor();
  await proposeSuitableProduct(pages, productCode);
  await discloseAndConfirm(pages);
  await acknowledgeAndSign(pages);
}
