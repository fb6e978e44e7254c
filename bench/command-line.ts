/** A bench setting from the environment: a positive integer, or the fallback when unset. */
export function positiveInteger(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${env[name]}`);
  return value;
}

/**
 * The command that reruns a benchmark as it ran: its settings from the environment (only
 * those set) before `npm run bench -- NAME`. Printed and saved with the results.
 */
export function benchCommand(bench: string, settings: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const set = settings.filter((name) => env[name] !== undefined && env[name] !== '').map((name) => `${name}=${quoteForShell(env[name]!)}`);
  return [...set, 'npm run bench --', bench].join(' ');
}

function quoteForShell(value: string): string {
  return /^[\w.,:/+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
