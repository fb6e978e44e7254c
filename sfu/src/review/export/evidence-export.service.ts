/**
 * The evidence export: one ZIP per session, for an auditor or a regulator. It holds the
 * sealed original recording segments, each party's playable media, every evidence file
 * (ID images, stills, handwriting, signature, receipt), the PDF report, the session's
 * audit entries as JSON, and manifest.json with the size and SHA-256 of every other file
 * and the audit trail's head at export time.
 *
 * Stored files are encrypted at rest; the ZIP holds them decrypted (an auditor has no
 * keys). The database and the audit trail hold the hash of the stored (encrypted) bytes,
 * the manifest that of the file in the ZIP, and its `storedSha256` ties the two.
 *
 * Nothing altered is ever shipped. Building an export takes two passes over the stored files:
 *  1. `prepare` reads each file once, hashing it as stored and comparing that hash with the
 *     one the database and the audit trail hold for it, and decrypting it (every chunk
 *     authenticated) to hash its content: a changed, undecryptable or missing file refuses
 *     the export (409) before anything is sent. The manifest is built from these hashes and
 *     the export is audited ('session.exported', with the manifest's SHA-256), so the
 *     entry exists before the first byte leaves.
 *  2. `open` streams the ZIP (stored, not compressed: media is compressed already, and the
 *     size is known in advance), decrypting each file again and hashing every byte as it
 *     goes into the archive. Should a file differ from what pass 1 read (changed in
 *     between), the download is cut off before its end: the client gets a broken
 *     transfer, never a ZIP with a wrong manifest.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { ExportManifest, type ExportManifestEntry, type ReviewSessionDetail } from '@vtm/shared';
import { ZipFile } from 'yazl';
import type { z } from 'zod';
import type { AuditLog } from '../../audit/audit-log.ts';
import { userActor } from '../../audit/audit-entry.ts';
import { RequestError, notFound } from '../../errors.ts';
import type { AuditEntryRecord, Repositories, UserRecord } from '../../storage/repositories.ts';
import { EncryptedFileError } from '../../storage/encryption/encrypted-file.ts';
import { hashStoredFile, openStoredFile, readStoredFile, storedFileName, type StoredFileContent } from '../../storage/stored-file.ts';
import { renderReviewReportPdf, type ReportImage, type ReviewReportOptions } from './review-report-pdf.ts';

export interface EvidenceExportDeps {
  repos: Repositories;
  /** The export is audited; the trail also vouches for the hashes of the files exported. */
  audit: AuditLog;
  /** A session as the reviewer sees it, without auditing a view (the export audits itself). */
  detailFor: (sessionId: string) => Promise<ReviewSessionDetail>;
  report?: ReviewReportOptions;
}

/** One file of the ZIP: its name there, what the manifest says of it, and where its bytes come from. */
interface ExportFile extends z.infer<typeof ExportManifestEntry> {
  content: { stored: string } | { bytes: Buffer };
}

/** A file the server stores, with the hash the database holds for it. */
interface StoredSource {
  zipPath: string;
  relative: string;
  sha256: string;
  mimeType: string | null;
  evidenceId: number | null;
}

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg']);

export class EvidenceExportService {
  readonly #repos: Repositories;
  readonly #audit: AuditLog;
  readonly #detailFor: EvidenceExportDeps['detailFor'];
  readonly #report: ReviewReportOptions;

  constructor(deps: EvidenceExportDeps) {
    this.#repos = deps.repos;
    this.#audit = deps.audit;
    this.#detailFor = deps.detailFor;
    this.#report = deps.report ?? {};
  }

  /**
   * Checks every stored file against its recorded hash, builds the report and the
   * manifest, and audits the export; refuses (409) a session that cannot be exported as it is.
   */
  async prepare(sessionId: string, user: UserRecord): Promise<PreparedExport> {
    await this.#requireExportable(sessionId);
    const entries = await this.#repos.audit.listForSession(sessionId);
    const sources = await this.#storedSources(sessionId);
    const read = await this.#readVerified(sources, vouchedHashes(entries));
    const exportedAt = new Date();
    const auditHead = (await this.#repos.audit.head()) ?? null;
    const report = await renderReviewReportPdf(
      { detail: await this.#detailFor(sessionId), images: imagesOf(sources, read), exportedAt, exportedBy: user.username, auditHead },
      this.#report,
    );
    const files = [
      generated('report.pdf', Buffer.from(report)),
      generated('audit-entries.json', Buffer.from(`${JSON.stringify(entries, null, 2)}\n`)),
      ...sources.map((s) => {
        const { plaintext } = read.get(s.zipPath)!;
        return { path: s.zipPath, sizeBytes: plaintext.sizeBytes, sha256: plaintext.sha256, storedSha256: s.sha256, content: { stored: s.relative } };
      }),
    ];
    const manifest = ExportManifest.parse({
      sessionId,
      exportedAt: exportedAt.toISOString(),
      exportedBy: user.username,
      auditHead,
      files: files.map(({ path: p, sizeBytes, sha256, storedSha256 }) => ({ path: p, sizeBytes, sha256, ...(storedSha256 ? { storedSha256 } : {}) })),
    });
    const manifestFile = generated('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    // Before any byte is sent: an export that cannot be audited is not served.
    await this.#audit.record({
      actor: userActor(user.username),
      action: 'session.exported',
      sessionId,
      subject: `session:${sessionId}`,
      details: { files: files.length, manifestSha256: manifestFile.sha256, bytes: files.reduce((sum, f) => sum + f.sizeBytes, 0) },
    });
    return new PreparedExport(this.#audit.dataDir, manifest, [manifestFile, ...files], exportedAt);
  }

  async #requireExportable(sessionId: string): Promise<void> {
    const session = await this.#repos.sessions.get(sessionId);
    if (!session) throw notFound('session');
    if (session.state !== 'ended') throw conflict('the session has not ended yet: export it once it is over');
    const purgedAt = await this.#repos.review.purgedAt(sessionId);
    if (purgedAt) throw conflict(`the session's media, images and personal data were removed at the end of retention (${purgedAt}): there is no evidence left to export`);
    const finalisation = await this.#repos.review.finalisationOf(sessionId);
    if (!finalisation || finalisation.state === 'running') {
      throw conflict('the session is still being finalised (playable media and quality checks): try again in a minute');
    }
  }

  /** Sealed recording segments, playable media (once finalised) and evidence files, as stored. */
  async #storedSources(sessionId: string): Promise<StoredSource[]> {
    const dataDir = this.#audit.dataDir;
    const [recordings, finalisation, playable, evidence] = await Promise.all([
      this.#repos.recordings.listForSession(sessionId),
      this.#repos.review.finalisationOf(sessionId),
      this.#repos.review.playableMediaFor(sessionId),
      this.#repos.evidence.listForSession(sessionId),
    ]);
    const source = (folder: string, file: string, sha256: string, mimeType: string | null = null, evidenceId: number | null = null) => ({
      zipPath: `${folder}/${path.basename(file)}`,
      relative: storedFileName(dataDir, file),
      sha256,
      mimeType,
      evidenceId,
    });
    return [
      // A segment without a hash (failed before it was sealed) vouches for nothing; the report lists it.
      ...recordings.flatMap((r) => (r.sha256 ? [source('recordings', r.path, r.sha256)] : [])),
      // Only a completed finalisation's files: a half-done one is being redone.
      ...(finalisation?.state === 'done' ? playable.map((m) => source('playback', m.path, m.sha256, m.mimeType)) : []),
      ...evidence.map((e) => source('evidence', e.path, e.sha256, e.mimeType, e.id)),
    ];
  }

  /**
   * Pass 1: every file read, hashed as stored and compared with what the database and the
   * trail say, and decrypted: the size and hash of its content go into the manifest.
   */
  async #readVerified(sources: StoredSource[], vouched: Map<string, string>): Promise<Map<string, StoredFileContent>> {
    const read = new Map<string, StoredFileContent>();
    for (const s of sources) {
      const trail = vouched.get(s.relative);
      if (trail && trail !== s.sha256) {
        throw conflict(`${s.zipPath}: the database's SHA-256 (${s.sha256}) is not the one the audit trail recorded (${trail}); the database was changed, so the export was refused`);
      }
      const changed = (sha256: string) =>
        conflict(`${s.zipPath} was changed after it was stored (SHA-256 ${sha256}, recorded ${s.sha256}); the export was refused: run the audit verification`);
      const content = await readStoredFile(this.#audit.dataDir, s.relative, { keepBytes: s.evidenceId !== null && IMAGE_TYPES.has(s.mimeType ?? '') }).catch(
        async (error: NodeJS.ErrnoException) => {
          // A changed encrypted file no longer decrypts: say it changed, as for any other file.
          const stored = error instanceof EncryptedFileError ? await hashStoredFile(this.#audit.dataDir, s.relative).catch(() => null) : null;
          if (stored && stored.sha256 !== s.sha256) throw changed(stored.sha256);
          const why = error instanceof EncryptedFileError ? error.message.replace(`${s.relative}: `, '') : (error.code ?? error.message);
          throw conflict(`${s.zipPath} cannot be read (${why}); the export was refused: run the audit verification`);
        },
      );
      if (content.sha256 !== s.sha256) throw changed(content.sha256);
      read.set(s.zipPath, content);
    }
    return read;
  }
}

/** An export checked and audited, ready to stream. */
export class PreparedExport {
  readonly manifest: ExportManifest;
  readonly #dataDir: string;
  readonly #files: ExportFile[];
  readonly #mtime: Date;

  constructor(dataDir: string, manifest: ExportManifest, files: ExportFile[], exportedAt: Date) {
    this.#dataDir = dataDir;
    this.manifest = manifest;
    this.#files = files;
    this.#mtime = exportedAt;
  }

  get fileName(): string {
    return `evidence-${this.manifest.sessionId}-${this.manifest.exportedAt.replace(/[-:]|\.\d+/g, '')}.zip`;
  }

  /** Pass 2: the ZIP as a stream, and its exact size; the stream errors if a file differs from pass 1. */
  open(): { stream: Readable; sizeBytes: number } {
    const zip = new ZipFile();
    const stream = zip.outputStream as PassThrough;
    const sources: Readable[] = [];
    const fail = (error: Error) => stream.destroy(error);
    zip.on('error', fail);
    // A download given up half-way leaves no file open.
    stream.once('close', () => sources.forEach((s) => s.destroy()));
    const options = { compress: false, mtime: this.#mtime, mode: 0o100444 };
    for (const file of this.#files) {
      if ('bytes' in file.content) {
        zip.addBuffer(file.content.bytes, file.path, options);
        continue;
      }
      const relative = file.content.stored;
      zip.addReadStreamLazy(file.path, { ...options, size: file.sizeBytes }, (done) => {
        const source = openStoredFile(this.#dataDir, relative);
        const check = new Sha256Check(file.sha256, file.path);
        sources.push(source);
        source.once('error', (error) => fail(new Error(`${file.path} changed while it was being exported (${error.message})`)));
        check.once('error', fail);
        done(null, source.pipe(check));
      });
    }
    let sizeBytes = -1;
    // Called during end(): every entry is stored uncompressed with a known size. (@types/yazl
    // leaves out the callback's argument.)
    (zip as unknown as { end(options: undefined, sized: (size: number) => void): void }).end(undefined, (size) => (sizeBytes = size));
    if (sizeBytes < 0) throw new Error('the export ZIP size could not be computed in advance');
    return { stream, sizeBytes };
  }
}

/** Passes bytes through, hashing them; fails at the end if they are not the expected ones. */
class Sha256Check extends Transform {
  readonly #hash = createHash('sha256');
  readonly #expected: string;
  readonly #name: string;

  constructor(expected: string, name: string) {
    super();
    this.#expected = expected;
    this.#name = name;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actual = this.#hash.digest('hex');
    callback(actual === this.#expected ? null : new Error(`${this.#name} changed while it was being exported (SHA-256 ${actual}, expected ${this.#expected})`));
  }
}

const conflict = (message: string) => new RequestError('conflict', message);

function generated(zipPath: string, bytes: Buffer): ExportFile {
  return { path: zipPath, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), content: { bytes } };
}

/** The hash the trail last vouched for, per file (relative to the data folder), as verification reads it. */
function vouchedHashes(entries: AuditEntryRecord[]): Map<string, string> {
  const vouched = new Map<string, string>();
  for (const entry of entries) {
    const file = entry.details['file'];
    if (typeof file === 'string' && entry.fileSha256 && entry.action !== 'file.purged') vouched.set(file, entry.fileSha256);
  }
  return vouched;
}

function imagesOf(sources: StoredSource[], read: Map<string, { bytes?: Buffer }>): Map<number, ReportImage> {
  const images = new Map<number, ReportImage>();
  for (const s of sources) {
    const bytes = read.get(s.zipPath)?.bytes;
    if (s.evidenceId !== null && bytes && s.mimeType) images.set(s.evidenceId, { bytes, mimeType: s.mimeType });
  }
  return images;
}
