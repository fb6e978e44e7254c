import { openSqliteDatabase } from '../database.ts';
import type { Repositories } from '../repositories.ts';
import { SqliteAuditRepository } from './audit.repository.ts';
import { SqliteAssessmentRepository } from './assessment.repository.ts';
import { SqliteCustomerRepository } from './customer.repository.ts';
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

export function createSqliteRepositories(file: string): Repositories {
  const db = openSqliteDatabase(file);
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
    customers: new SqliteCustomerRepository(db),
    audit: new SqliteAuditRepository(db),
    review: new SqliteReviewRepository(db),
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
