/**
 * Removes the media, images and personal data of sessions past their retention period
 * (RETENTION_YEARS after they ended) from DATA_DIR, never one still under review:
 *
 *   npm run retention:purge [-- --dry-run] [--now <ISO date-time>]
 *
 * Prints the report as JSON. Exit code 0 done, 1 stopped part-way (run it again),
 * 2 nothing done. See sfu/src/retention/retention-purge-command.ts.
 */
import { runRetentionPurgeCommand } from '../sfu/src/retention/retention-purge-command.ts';

process.exitCode = await runRetentionPurgeCommand(process.argv.slice(2));
