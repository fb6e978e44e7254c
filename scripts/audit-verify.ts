/**
 * Verifies the tamper-evident audit trail of DATA_DIR (as the server uses it):
 *
 *   npm run audit:verify [-- --json]
 *
 * Exit code 0 intact, 1 broken (a changed, inserted or removed entry, or a changed or
 * missing file), 2 unable to verify. See sfu/src/audit/audit-verify-command.ts.
 */
import { runAuditVerifyCommand } from '../sfu/src/audit/audit-verify-command.ts';

process.exitCode = await runAuditVerifyCommand(process.argv.slice(2));
