/**
 * Encrypts in place the files of DATA_DIR stored before encryption at rest (a data folder
 * of an earlier version), under the current data key, each with an audit entry:
 *
 *   npm run data:encrypt [-- --dry-run]
 *
 * Prints the report as JSON. Exit code 0 done, 1 some files left as they were (see the
 * report) or stopped part-way (run it again), 2 nothing done. See
 * sfu/src/storage/encryption/data-encrypt-command.ts.
 */
import { runDataEncryptCommand } from '../sfu/src/storage/encryption/data-encrypt-command.ts';

process.exitCode = await runDataEncryptCommand(process.argv.slice(2));
