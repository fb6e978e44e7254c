/**
 * Who the customer is: the identity document the kiosk read and the customer confirmed,
 * validated again here with the shared rules (the kiosk is not trusted), stored with its
 * images, and used to find a returning customer's earlier assessments.
 */
import {
  ageOn,
  assessmentExpiresAt,
  beijingDay,
  blockingFailures,
  formatTd3Mrz,
  parseTd3Mrz,
  validateResidentIdBack,
  validateResidentIdFront,
  type CustomerIdentity,
  type FieldCheck,
} from '@vtm/shared';
import type { EvidenceService } from '../evidence/evidence.service.ts';
import { RequestError } from '../errors.ts';
import type { CustomerIdentityRecord, PreviousAssessment, Repositories } from '../storage/repositories.ts';

export interface CustomerDetails {
  identity: CustomerIdentityRecord | null;
  age: number | null;
  /** The latest assessment still valid (12 months), if this customer has one. */
  earlierAssessment: (PreviousAssessment & { validUntil: string }) | null;
  /** Assessments this customer already took today (Beijing day): retakes are limited. */
  assessmentsToday: number;
}

export class CustomerIdentityService {
  readonly #repos: Repositories;
  readonly #evidence: EvidenceService;

  constructor(init: { repos: Repositories; evidence: EvidenceService }) {
    this.#repos = init.repos;
    this.#evidence = init.evidence;
  }

  /** Validates and stores; a document failing a blocking check is refused and nothing is stored. */
  async record(sessionId: string, identity: CustomerIdentity, now = new Date()): Promise<FieldCheck[]> {
    const { checks, record } = this.#validate(identity, now);
    const failures = blockingFailures(checks);
    if (failures.length) {
      throw new RequestError('invalid-data', `the document does not pass: ${failures.map((f) => `${f.field}: ${f.message}`).join('; ')}`);
    }
    const document = identity.document;
    if (document.kind === 'cn-resident-id') {
      await this.#evidence.require(sessionId, document.frontImageEvidenceId, 'id-front');
      await this.#evidence.require(sessionId, document.backImageEvidenceId, 'id-back');
    } else {
      await this.#evidence.require(sessionId, document.imageEvidenceId, 'passport-page');
    }
    if (await this.#repos.customers.hasIdentity(sessionId)) throw new RequestError('conflict', 'the identity is already recorded');
    await this.#repos.customers.saveIdentity({
      sessionId,
      ...record,
      document,
      ocr: identity.ocr,
      customerCorrections: identity.customerCorrections,
      automaticCorrections: identity.automaticCorrections,
      checks,
      capturedAt: now.toISOString(),
    });
    return checks;
  }

  async details(sessionId: string, now = new Date()): Promise<CustomerDetails> {
    const identity = (await this.#repos.customers.identityFor(sessionId)) ?? null;
    if (!identity) return { identity: null, age: null, earlierAssessment: null, assessmentsToday: 0 };
    const earlier = (await this.#repos.customers.assessmentsOf(identity.documentNumber)).filter((a) => a.sessionId !== sessionId);
    const today = beijingDay(now);
    const valid = earlier
      .map((a) => ({ ...a, validUntil: assessmentExpiresAt(new Date(a.assessedAt)).toISOString() }))
      .find((a) => a.validUntil > now.toISOString());
    return {
      identity,
      age: ageOn(identity.birthDate, today),
      earlierAssessment: valid ?? null,
      assessmentsToday: earlier.filter((a) => beijingDay(new Date(a.assessedAt)) === today).length,
    };
  }

  #validate(identity: CustomerIdentity, now: Date) {
    const document = identity.document;
    if (document.kind === 'cn-resident-id') {
      const { front, back } = document;
      const checks = [
        ...validateResidentIdFront(front, { today: now }),
        ...validateResidentIdBack(back, { today: now, birthDate: front.birthDate }),
      ];
      return {
        checks,
        record: {
          documentKind: document.kind,
          documentNumber: front.idNumber,
          name: front.name,
          birthDate: front.birthDate,
          sex: front.sex,
        },
      };
    }
    const [line1, line2] = formatTd3Mrz(document.fields);
    const { checks } = parseTd3Mrz(line1, line2, { today: now });
    return {
      checks,
      record: {
        documentKind: document.kind,
        documentNumber: `${document.fields.issuingCountry}:${document.fields.documentNumber}`,
        name: `${document.fields.surname} ${document.fields.givenNames}`.trim(),
        birthDate: document.fields.birthDate,
        sex: document.fields.sex,
      },
    };
  }
}
