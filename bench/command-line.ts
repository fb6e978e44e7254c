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
