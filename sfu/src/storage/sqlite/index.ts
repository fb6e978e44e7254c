import { openSqliteDatabase } from '../database.ts';
import type { DataKeyring } from '../encryption/data-keys.ts';
import type { Repositories } from '../repositories.ts';
import { SqliteAuditRepository } from './audit.repository.ts';
import { SqliteAssessmentRepository } from './assessment.repository.ts';
import { SqliteCustomerRepository } from './customer.repository.ts';
import { CustomerIdentityCipher } from './customer-identity-cipher.ts';
import { SqliteEventRepository } from './event.repository.ts';
import { SqliteEvidenceRepository } from './evidence.repository.ts';
import { SqliteParticipantRepository } from './participant.repository.ts';
import { SqliteRecordingRepository } from './recording.repository.ts';
import { SqliteReviewRepository } from './review.repository.ts';
import { SqliteRetentionRepository } from './retention.repository.ts';
import { SqliteSessionRepository } from './session.repository.ts';
import { SqliteSigningRepository } from './signing.repository.ts';
import { SqliteStoredFileRepository } from './stored-file.repository.ts';
import { SqliteKioskRepository } from './kiosk.repository.ts';
import { SqliteAuthSessionRepository, SqliteUserRepository } from './user.repository.ts';

export interface SqliteRepositoryOptions {
  /**
   * The keys that seal personal data in the database (customer identities), the same as
   * the data folder's. Without them only what needs no key works: identities cannot be
   * stored or read (a command such as the retention purge or the audit verification).
   */
  dataKeys?: DataKeyring | null;
}

export function createSqliteRepositories(file: string, options: SqliteRepositoryOptions = {}): Repositories {
  const db = openSqliteDatabase(file);
  const identities = new CustomerIdentityCipher(options.dataKeys ?? null);
  try {
    identities.checkKeysInUse(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    sessions: new SqliteSessionRepository(db),
    participants: new SqliteParticipantRepository(db),
    events: new SqliteEventRepository(db),
    recordings: new SqliteRecordingRepository(db),
    users: new SqliteUserRepository(db),
    authSessions: new SqliteAuthSessionRepository(db),
    assessments: new SqliteAssessmentRepository(db),
    evidence: new SqliteEvidenceRepository(db),
    signing: new SqliteSigningRepository(db),
    customers: new SqliteCustomerRepository(db, identities),
    audit: new SqliteAuditRepository(db),
    review: new SqliteReviewRepository(db, identities),
    retention: new SqliteRetentionRepository(db),
    storedFiles: new SqliteStoredFileRepository(db),
    kiosks: new SqliteKioskRepository(db),
    async ping() {
      return db.prepare('SELECT 1').pluck().get() === 1;
    },
    async close() {
      db.close();
    },
  };
}
