/**
 * The customer's receipt for a completed session: a PDF with the result, the product,
 * the disclosure version, the teller and a verification code (with its QR code) that
 * the console can look up. Stored with the session's evidence.
 */
import type { CustomerRiskLevel, WealthProduct } from '@vtm/shared';
import type { EvidenceService } from '../evidence/evidence.service.ts';
import { notFound } from '../errors.ts';
import type { Repositories } from '../storage/repositories.ts';
import { renderReceiptPdf } from './receipt-pdf.ts';
import { newVerificationCode, normaliseVerificationCode } from './verification-code.ts';

export interface ReceiptRequest {
  sessionId: string;
  kioskName: string;
  tellerId: string;
  level: CustomerRiskLevel;
  product: WealthProduct;
  documentHash: string;
  /** Already masked; until the verified ID reaches the server, a placeholder. */
  customerName: string;
}

export class ReceiptService {
  readonly #repos: Repositories;
  readonly #evidence: EvidenceService;
  readonly #publicUrl: string;

  constructor(init: { repos: Repositories; evidence: EvidenceService; publicUrl: string }) {
    this.#repos = init.repos;
    this.#evidence = init.evidence;
    this.#publicUrl = init.publicUrl.replace(/\/$/, '');
  }

  async issue(request: ReceiptRequest): Promise<{ verificationCode: string; evidenceId: number }> {
    const verificationCode = newVerificationCode();
    const completedAt = new Date();
    const pdf = await renderReceiptPdf({
      verificationCode,
      verifyUrl: `${this.#publicUrl}/console/?receipt=${verificationCode}`,
      sessionId: request.sessionId,
      completedAt,
      customerName: request.customerName,
      level: request.level,
      product: { code: request.product.code, name: request.product.name, riskLevel: request.product.riskLevel },
      disclosureVersion: request.product.disclosure.version,
      tellerId: request.tellerId,
      kioskName: request.kioskName,
      documentHash: request.documentHash,
    });
    const file = await this.#evidence.addGenerated(request.sessionId, 'receipt', Buffer.from(pdf), 'application/pdf', 'pdf');
    await this.#repos.signing.addReceipt({
      verificationCode,
      sessionId: request.sessionId,
      evidenceId: file.id,
      issuedAt: completedAt.toISOString(),
    });
    return { verificationCode, evidenceId: file.id };
  }

  /** What a teller or reviewer sees when they look a receipt's code up. */
  async lookUp(code: string) {
    const normalised = normaliseVerificationCode(code);
    const receipt = normalised ? await this.#repos.signing.receiptByCode(normalised) : undefined;
    if (!receipt) throw notFound('receipt');
    const session = await this.#repos.sessions.get(receipt.sessionId);
    const signature = await this.#repos.signing.signatureFor(receipt.sessionId);
    return {
      verificationCode: receipt.verificationCode,
      issuedAt: receipt.issuedAt,
      sessionId: receipt.sessionId,
      kioskName: session?.kioskName ?? null,
      tellerName: session?.tellerName ?? null,
      documentHash: signature?.documentHash ?? null,
      evidenceId: receipt.evidenceId,
    };
  }

  async pdfPathFor(sessionId: string): Promise<string> {
    const receipt = (await this.#repos.evidence.listForSession(sessionId)).find((e) => e.kind === 'receipt');
    if (!receipt) throw notFound('receipt');
    return receipt.path;
  }
}
