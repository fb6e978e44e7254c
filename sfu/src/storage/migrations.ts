/**
 * Versioned schema migrations, applied in order inside one transaction each. A migration
 * is never edited once released: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Rebuilding a table others refer to needs foreign keys off while it runs (checked after). */
  foreignKeysOff?: boolean;
}

/**
 * Makes audit_entries append-only in the database itself. Migration 8 creates these and
 * the server puts them back at start if someone dropped them (see the audit repository);
 * frozen like the migration that uses it: a change needs a new migration.
 */
export const AUDIT_APPEND_ONLY_TRIGGERS = `
      CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
      BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
      CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
      BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
`;

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions, participants, events, recordings',
    sql: `
      CREATE TABLE sessions (
        id           TEXT PRIMARY KEY,
        state        TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'ended')),
        kiosk_name   TEXT NOT NULL,
        language     TEXT NOT NULL,
        teller_name  TEXT,
        video_codec  TEXT,
        created_at   TEXT NOT NULL,
        accepted_at  TEXT,
        ended_at     TEXT,
        end_reason   TEXT
      );
      CREATE INDEX sessions_state ON sessions (state, created_at);

      CREATE TABLE participants (
        id            INTEGER PRIMARY KEY,
        session_id    TEXT NOT NULL REFERENCES sessions (id),
        role          TEXT NOT NULL CHECK (role IN ('kiosk', 'teller')),
        display_name  TEXT NOT NULL,
        joined_at     TEXT NOT NULL,
        left_at       TEXT
      );
      CREATE INDEX participants_session ON participants (session_id);

      CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES sessions (id),
        type        TEXT NOT NULL,
        at          TEXT NOT NULL,
        offset_ms   INTEGER,
        payload     TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX events_session ON events (session_id, id);

      CREATE TABLE recordings (
        id           INTEGER PRIMARY KEY,
        session_id   TEXT NOT NULL REFERENCES sessions (id),
        segment      INTEGER NOT NULL,
        path         TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('recording', 'sealed', 'interrupted', 'failed')),
        started_at   TEXT NOT NULL,
        ended_at     TEXT,
        size_bytes   INTEGER,
        duration_ms  INTEGER,
        streams      TEXT NOT NULL DEFAULT '[]',
        sha256       TEXT,
        UNIQUE (session_id, segment)
      );
    `,
  },
  {
    version: 2,
    name: 'users and sign-in sessions',
    sql: `
      CREATE TABLE users (
        id             INTEGER PRIMARY KEY,
        username       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name   TEXT NOT NULL,
        role           TEXT NOT NULL CHECK (role IN ('teller', 'compliance', 'admin')),
        password_hash  TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        disabled_at    TEXT
      );

      -- Only a hash of each sign-in token is stored: a copy of the database signs no one in.
      CREATE TABLE auth_sessions (
        token_hash    TEXT PRIMARY KEY,
        user_id       INTEGER NOT NULL REFERENCES users (id),
        created_at    TEXT NOT NULL,
        expires_at    TEXT NOT NULL
      );
      CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
    `,
  },
  {
    version: 3,
    name: 'identity check, answers, assessments, outcome',
    sql: `
      ALTER TABLE sessions ADD COLUMN identity_verified_at TEXT;
      ALTER TABLE sessions ADD COLUMN risk_level TEXT;
      ALTER TABLE sessions ADD COLUMN product_code TEXT;
      ALTER TABLE sessions ADD COLUMN outcome TEXT;
      ALTER TABLE sessions ADD COLUMN outcome_note TEXT;

      -- Every answer the customer gave, kept: a changed answer is a new row that
      -- points at the one it replaces, so both values stay on record.
      CREATE TABLE answers (
        id                     INTEGER PRIMARY KEY,
        session_id             TEXT NOT NULL REFERENCES sessions (id),
        questionnaire_id       TEXT NOT NULL,
        questionnaire_version  INTEGER NOT NULL,
        question_id            TEXT NOT NULL,
        option_ids             TEXT NOT NULL,
        answered_at            TEXT NOT NULL,
        replaces_answer_id     INTEGER REFERENCES answers (id)
      );
      CREATE INDEX answers_session ON answers (session_id, question_id, id);

      CREATE TABLE assessments (
        id                     INTEGER PRIMARY KEY,
        session_id             TEXT NOT NULL REFERENCES sessions (id),
        questionnaire_id       TEXT NOT NULL,
        questionnaire_version  INTEGER NOT NULL,
        answers                TEXT NOT NULL,
        score                  INTEGER NOT NULL,
        level                  TEXT NOT NULL CHECK (level IN ('C1', 'C2', 'C3', 'C4', 'C5')),
        assessed_at            TEXT NOT NULL
      );
      CREATE INDEX assessments_session ON assessments (session_id);
    `,
  },
  {
    version: 4,
    name: 'evidence files (stills, and later ID images and signatures)',
    sql: `
      CREATE TABLE evidence_files (
        id          INTEGER PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES sessions (id),
        kind        TEXT NOT NULL,
        path        TEXT NOT NULL,
        mime_type   TEXT NOT NULL,
        size_bytes  INTEGER NOT NULL,
        sha256      TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL
      );
      CREATE INDEX evidence_files_session ON evidence_files (session_id, id);
    `,
  },
  {
    version: 5,
    name: 'draft sessions (before the customer joins the queue)',
    foreignKeysOff: true,
    sql: `
      CREATE TABLE sessions_new (
        id                    TEXT PRIMARY KEY,
        state                 TEXT NOT NULL CHECK (state IN ('draft', 'waiting', 'active', 'ended')),
        kiosk_name            TEXT NOT NULL,
        language              TEXT NOT NULL,
        teller_name           TEXT,
        video_codec           TEXT,
        created_at            TEXT NOT NULL,
        accepted_at           TEXT,
        ended_at              TEXT,
        end_reason            TEXT,
        identity_verified_at  TEXT,
        risk_level            TEXT,
        product_code          TEXT,
        outcome               TEXT,
        outcome_note          TEXT,
        queued_at             TEXT
      );
      INSERT INTO sessions_new (id, state, kiosk_name, language, teller_name, video_codec, created_at, accepted_at,
                                ended_at, end_reason, identity_verified_at, risk_level, product_code, outcome, outcome_note, queued_at)
        SELECT id, state, kiosk_name, language, teller_name, video_codec, created_at, accepted_at,
               ended_at, end_reason, identity_verified_at, risk_level, product_code, outcome, outcome_note, created_at
        FROM sessions;
      DROP TABLE sessions;
      ALTER TABLE sessions_new RENAME TO sessions;
      CREATE INDEX sessions_state ON sessions (state, created_at);
    `,
  },
  {
    version: 6,
    name: 'kiosk upload token per session; signatures; receipts',
    sql: `
      -- The kiosk that opened a session uploads its evidence (ID images, handwriting,
      -- signature) with this token; only its hash is kept.
      ALTER TABLE sessions ADD COLUMN kiosk_token_hash TEXT;

      CREATE TABLE signatures (
        id                  INTEGER PRIMARY KEY,
        session_id          TEXT NOT NULL REFERENCES sessions (id),
        document            TEXT NOT NULL,
        document_hash       TEXT NOT NULL,
        png_evidence_id     INTEGER NOT NULL REFERENCES evidence_files (id),
        svg_evidence_id     INTEGER NOT NULL REFERENCES evidence_files (id),
        strokes_evidence_id INTEGER NOT NULL REFERENCES evidence_files (id),
        signed_at           TEXT NOT NULL
      );

      CREATE TABLE receipts (
        verification_code   TEXT PRIMARY KEY,
        session_id          TEXT NOT NULL UNIQUE REFERENCES sessions (id),
        evidence_id         INTEGER NOT NULL REFERENCES evidence_files (id),
        issued_at           TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'customer identity per session',
    sql: `
      -- Who the customer is, as their document says and they confirmed it. The document
      -- number finds a returning customer's earlier assessments.
      CREATE TABLE customer_identities (
        session_id             TEXT PRIMARY KEY REFERENCES sessions (id),
        document_kind          TEXT NOT NULL CHECK (document_kind IN ('cn-resident-id', 'passport-td3')),
        document_number        TEXT NOT NULL,
        name                   TEXT NOT NULL,
        birth_date             TEXT NOT NULL,
        sex                    TEXT NOT NULL,
        document               TEXT NOT NULL,
        ocr                    TEXT NOT NULL,
        customer_corrections   TEXT NOT NULL,
        automatic_corrections  TEXT NOT NULL,
        checks                 TEXT NOT NULL,
        captured_at            TEXT NOT NULL
      );
      CREATE INDEX customer_identities_document ON customer_identities (document_number);
    `,
  },
  {
    version: 8,
    name: 'tamper-evident audit trail',
    sql: `
      -- Each entry's hash covers the previous entry's hash and its own canonical JSON, so
      -- changing, inserting or removing an entry breaks the chain. AUTOINCREMENT keeps the
      -- highest number ever given out (sqlite_sequence), which shows entries cut off the end.
      -- session_id has no foreign key: entries outlive a session purged at the end of retention.
      CREATE TABLE audit_entries (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        at           TEXT NOT NULL,
        actor        TEXT NOT NULL,
        action       TEXT NOT NULL,
        session_id   TEXT,
        subject      TEXT NOT NULL,
        details      TEXT NOT NULL,
        file_sha256  TEXT,
        prev_hash    TEXT NOT NULL UNIQUE,
        hash         TEXT NOT NULL UNIQUE
      );
      CREATE INDEX audit_entries_session ON audit_entries (session_id, seq);
    ` + AUDIT_APPEND_ONLY_TRIGGERS,
  },
  {
    version: 9,
    name: 'finalisation: playable media per party and automatic quality checks',
    sql: `
      -- One row per ended session: 'running' or 'failed' ones are finalised again at the
      -- next start; a 'done' one is never redone.
      CREATE TABLE finalisations (
        session_id      TEXT PRIMARY KEY REFERENCES sessions (id),
        state           TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
        started_at      TEXT NOT NULL,
        finished_at     TEXT,
        error           TEXT,
        quality_passed  INTEGER CHECK (quality_passed IN (0, 1))
      );

      -- Browser-playable copies (remuxed, not re-encoded) of each party's tracks of each
      -- recording segment; the sealed originals stay as they are.
      CREATE TABLE playable_media (
        id               INTEGER PRIMARY KEY,
        session_id       TEXT NOT NULL REFERENCES sessions (id),
        recording_id     INTEGER NOT NULL REFERENCES recordings (id),
        segment          INTEGER NOT NULL,
        party            TEXT NOT NULL CHECK (party IN ('kiosk', 'teller')),
        path             TEXT NOT NULL,
        mime_type        TEXT NOT NULL,
        start_offset_ms  INTEGER NOT NULL,
        duration_ms      INTEGER,
        size_bytes       INTEGER NOT NULL,
        sha256           TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        UNIQUE (session_id, segment, party)
      );

      CREATE TABLE quality_checks (
        id          INTEGER PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES sessions (id),
        check_id    TEXT NOT NULL,
        passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
        reason      TEXT NOT NULL,
        checked_at  TEXT NOT NULL,
        UNIQUE (session_id, check_id)
      );
    `,
  },
  {
    version: 10,
    name: 'review decisions (append-only); retention purge marker',
    sql: `
      -- A reviewer's decision on a session. A later decision adds a row; none is ever
      -- changed or removed, so the history of a review is the table itself.
      CREATE TABLE review_decisions (
        id          INTEGER PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES sessions (id),
        decision    TEXT NOT NULL CHECK (decision IN ('approved', 'rejected', 'follow-up')),
        comment     TEXT NOT NULL CHECK (length(trim(comment)) > 0),
        reviewer    TEXT NOT NULL,
        decided_at  TEXT NOT NULL
      );
      CREATE INDEX review_decisions_session ON review_decisions (session_id, id);
      CREATE TRIGGER review_decisions_no_update BEFORE UPDATE ON review_decisions
      BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;
      CREATE TRIGGER review_decisions_no_delete BEFORE DELETE ON review_decisions
      BEGIN SELECT RAISE(ABORT, 'review decisions are append-only'); END;

      -- Set when retention removed the session's media, images and personal data; the
      -- session row, its outcome, events and audit entries stay.
      ALTER TABLE sessions ADD COLUMN purged_at TEXT;
      CREATE INDEX sessions_ended ON sessions (ended_at);
      -- The reviewers' list pages through years of sessions, newest first.
      CREATE INDEX sessions_created ON sessions (created_at, id);
    `,
  },
  {
    version: 11,
    name: 'kiosks: enrollment codes and credentials (hashes only)',
    sql: `
      -- A kiosk an admin registered. The one-time enrollment code and the credential it is
      -- redeemed for are kept only as SHA-256 hashes; a redeemed or expired code is cleared.
      CREATE TABLE kiosks (
        id                     INTEGER PRIMARY KEY,
        name                   TEXT NOT NULL UNIQUE COLLATE NOCASE,
        location               TEXT NOT NULL DEFAULT '',
        created_at             TEXT NOT NULL,
        created_by             TEXT NOT NULL,
        enrollment_code_hash   TEXT UNIQUE,
        enrollment_expires_at  TEXT,
        credential_hash        TEXT UNIQUE,
        enrolled_at            TEXT,
        revoked_at             TEXT
      );
    `,
  },
  {
    version: 12,
    name: 'customer identities: personal data sealed (AES-256-GCM), document number as a blind index',
    sql: `
      -- Everything personal about the customer (document number, name, birth date, sex, and
      -- the document, OCR, corrections and checks that repeat them) is one AES-256-GCM sealed
      -- JSON value per row (storage/encryption/sealed-fields.ts): one nonce and tag per row,
      -- no per-field lengths to read, and a field added later needs no migration. key_id
      -- names the DATA_KEYS key it is sealed with; the additional data binds it to this table
      -- and session_id. document_number_index is HMAC-SHA256 of the normalised document
      -- number under a subkey of that same key: it finds a returning customer's earlier
      -- assessments without the number being stored.
      -- Migrations have no keys: rows of earlier versions keep their plaintext columns
      -- (read as they are) until npm run data:encrypt seals them; a row is either sealed with
      -- its plaintext columns empty, or plaintext, never both (the CHECK below).
      CREATE TABLE customer_identities_sealed (
        session_id             TEXT PRIMARY KEY REFERENCES sessions (id),
        document_kind          TEXT NOT NULL CHECK (document_kind IN ('cn-resident-id', 'passport-td3')),
        captured_at            TEXT NOT NULL,
        key_id                 TEXT,
        personal_data          BLOB,
        document_number_index  BLOB,
        document_number        TEXT,
        name                   TEXT,
        birth_date             TEXT,
        sex                    TEXT,
        document               TEXT,
        ocr                    TEXT,
        customer_corrections   TEXT,
        automatic_corrections  TEXT,
        checks                 TEXT,
        CHECK (
          (key_id IS NOT NULL AND personal_data IS NOT NULL AND document_number_index IS NOT NULL
           AND coalesce(document_number, name, birth_date, sex, document, ocr, customer_corrections, automatic_corrections, checks) IS NULL)
          OR
          (key_id IS NULL AND personal_data IS NULL AND document_number_index IS NULL
           AND document_number IS NOT NULL AND name IS NOT NULL AND birth_date IS NOT NULL AND sex IS NOT NULL
           AND document IS NOT NULL AND ocr IS NOT NULL AND customer_corrections IS NOT NULL
           AND automatic_corrections IS NOT NULL AND checks IS NOT NULL)
        )
      );
      INSERT INTO customer_identities_sealed (session_id, document_kind, captured_at, document_number, name, birth_date, sex,
                                              document, ocr, customer_corrections, automatic_corrections, checks)
        SELECT session_id, document_kind, captured_at, document_number, name, birth_date, sex,
               document, ocr, customer_corrections, automatic_corrections, checks
        FROM customer_identities;
      DROP TABLE customer_identities;
      ALTER TABLE customer_identities_sealed RENAME TO customer_identities;
      CREATE INDEX customer_identities_document_index ON customer_identities (document_number_index);
      -- Rows not yet sealed are still found by their plaintext number.
      CREATE INDEX customer_identities_plaintext_document ON customer_identities (document_number) WHERE document_number IS NOT NULL;
      -- Which keys rows use (checked at start), and the rows data:encrypt still has to seal.
      CREATE INDEX customer_identities_key ON customer_identities (key_id);
    `,
  },
  {
    version: 13,
    name: "reviewers' list: index of the sessions it can show",
    sql: `
      -- The list shows sessions that reached the queue, newest first: this index holds just
      -- those, in that order, so the first page reads a page of entries (not the whole table
      -- sorted) and the count reads the small index. It replaces the full one of migration 10.
      DROP INDEX sessions_created;
      CREATE INDEX sessions_reviewable_created ON sessions (created_at, id) WHERE queued_at IS NOT NULL;
    `,
  },
];
