/**
 * Server configuration, read once from environment variables. Every variable has a
 * documented default (see README.md); a bad value stops the start with a clear message.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DataKeyError, parseDataKeys, type DataKeyring } from './storage/encryption/data-keys.ts';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('0')
  .transform((value) => value === '1' || value === 'true');

const port = z.coerce.number().int().min(1).max(65535);

const EnvSchema = z
  .object({
    PORT: port.default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATA_DIR: z.string().default('./data'),
    RTC_MIN_PORT: port.default(40000),
    RTC_MAX_PORT: port.default(49999),
    RECORDER_MIN_PORT: port.default(20000),
    RECORDER_MAX_PORT: port.default(29999),
    ANNOUNCED_IP: z.string().optional(),
    MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
    HTTPS: flag,
    TLS_CERT: z.string().optional(),
    TLS_KEY: z.string().optional(),
    FFMPEG_PATH: z.string().default('ffmpeg'),
    FFPROBE_PATH: z.string().default('ffprobe'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    STATIC_DIR: z.string().optional(),
    // Empty counts as unset, so a blank variable gets a random password rather than an error.
    /** The address customers' phones reach the server at, for the receipt's QR code. */
    PUBLIC_URL: z.url().optional(),
    KIOSK_IDLE_TIMEOUT_S: z.coerce.number().int().min(2).max(3600).default(90),
    /** Seconds a kiosk whose connection dropped mid-session may take to rejoin it. */
    RECONNECT_GRACE_S: z.coerce.number().min(0).max(600).default(30),
    /** Seconds a teller whose connection dropped may take to rejoin before the customer is requeued (< 5). */
    TELLER_RECONNECT_GRACE_S: z.coerce.number().min(0).max(4).default(2),
    SEED_PASSWORD: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(10).optional()),
    /** Years a session's media, images and personal data are kept after it ends (BaFin: 5). */
    RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(5),
    /** Failed sign-ins for one username (each within SIGN_IN_LOCKOUT_S of the last) before it is locked. */
    SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(5),
    /** Seconds a locked username stays locked; also the longest wait for an address. */
    SIGN_IN_LOCKOUT_S: z.coerce.number().int().min(1).max(86_400).default(900),
    /** Failed sign-ins from one address before each further one makes it wait 1 s, 2 s, 4 s, ... */
    SIGN_IN_ADDRESS_FREE_FAILURES: z.coerce.number().int().min(1).max(100_000).default(10),
    /** Keys that encrypt personal data at rest: `keyId:base64(32 bytes)`, comma-separated (from the secret store). */
    DATA_KEYS: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
    /** The DATA_KEYS key new files are encrypted with (optional when only one is listed). */
    DATA_KEY_ID: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  })
  .refine((env) => env.RTC_MIN_PORT < env.RTC_MAX_PORT, 'RTC_MIN_PORT must be below RTC_MAX_PORT')
  .refine(
    (env) => env.RECORDER_MIN_PORT + 1 < env.RECORDER_MAX_PORT,
    'RECORDER_MIN_PORT must be below RECORDER_MAX_PORT',
  )
  .refine((env) => !env.TLS_CERT === !env.TLS_KEY, 'TLS_CERT and TLS_KEY go together')
  .refine((env) => !env.DATA_KEY_ID || env.DATA_KEYS, 'DATA_KEY_ID names a key of DATA_KEYS, which is not set');

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  let dataKeys: DataKeyring | null = null;
  try {
    dataKeys = e.DATA_KEYS ? parseDataKeys(e.DATA_KEYS, e.DATA_KEY_ID) : null;
  } catch (error) {
    // The message names the entry at fault, never a key's bytes.
    if (error instanceof DataKeyError) throw new Error(`Invalid configuration:\n  DATA_KEYS: ${error.message}`);
    throw error;
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const repoRoot = path.resolve(import.meta.dirname, '..', '..');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: path.join(dataDir, 'vtm.sqlite'),
    recordingsDir: path.join(dataDir, 'recordings'),
    rtc: {
      minPort: e.RTC_MIN_PORT,
      maxPort: e.RTC_MAX_PORT,
      announcedAddress: e.ANNOUNCED_IP ?? firstLanAddress() ?? '127.0.0.1',
    },
    recorder: {
      ffmpegPath: e.FFMPEG_PATH,
      ffprobePath: e.FFPROBE_PATH,
      minPort: e.RECORDER_MIN_PORT,
      maxPort: e.RECORDER_MAX_PORT,
    },
    mediasoupWorkers: e.MEDIASOUP_WORKERS,
    tls: e.HTTPS ? { certFile: e.TLS_CERT ?? null, keyFile: e.TLS_KEY ?? null } : null,
    logLevel: e.LOG_LEVEL,
    seedPassword: e.SEED_PASSWORD,
    kiosk: { idleTimeoutSeconds: e.KIOSK_IDLE_TIMEOUT_S },
    reconnect: { kioskGraceMs: e.RECONNECT_GRACE_S * 1000, tellerGraceMs: e.TELLER_RECONNECT_GRACE_S * 1000 },
    retention: { years: e.RETENTION_YEARS },
    /** Keys for personal data at rest; null: a development key kept in DATA_DIR/keys (storage/encryption/key-setup.ts). */
    dataKeys,
    signIn: {
      maxFailuresPerUser: e.SIGN_IN_MAX_FAILURES,
      lockoutMs: e.SIGN_IN_LOCKOUT_S * 1000,
      freeFailuresPerAddress: e.SIGN_IN_ADDRESS_FREE_FAILURES,
    },
    publicUrl: e.PUBLIC_URL ?? `${e.HTTPS ? 'https' : 'http'}://${e.ANNOUNCED_IP ?? firstLanAddress() ?? 'localhost'}:${e.PORT}`,
    staticDir: {
      kiosk: path.join(e.STATIC_DIR ?? path.join(repoRoot, 'kiosk'), 'dist'),
      console: path.join(e.STATIC_DIR ?? path.join(repoRoot, 'teller-console'), 'dist'),
    },
  };
}

/** The address browsers on the LAN can reach when ANNOUNCED_IP is not set. */
function firstLanAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    const lan = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (lan) return lan.address;
  }
  return undefined;
}
