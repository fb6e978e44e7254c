/**
 * What an admin screen lists and changes (users, kiosks): every change is followed by a
 * reload, and a failure is kept to show instead of being thrown.
 */
export class AdminList<T> {
  items = $state<T[]>([]);
  error = $state<string | null>(null);
  readonly #load: () => Promise<T[]>;

  constructor(load: () => Promise<T[]>) {
    this.#load = load;
  }

  /** Runs a change (none: just loads), then reloads the list. */
  async run(change: () => Promise<unknown> = async () => undefined): Promise<void> {
    this.error = null;
    try {
      await change();
      this.items = await this.#load();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }
}
