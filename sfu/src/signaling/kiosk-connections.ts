/**
 * The open signaling connections of each enrolled kiosk, so that revoking a kiosk can
 * cut every one of them off at once.
 */
import { CLOSE_KIOSK_UNAUTHENTICATED } from '@vtm/shared';

export { CLOSE_KIOSK_UNAUTHENTICATED };

export class KioskConnections {
  readonly #byKiosk = new Map<number, Set<() => void>>();
  /**
   * Kiosks already cut off. A connection whose hello passed the credential check just before
   * the revocation registers just after it: it is cut off then. (Revocation is for good.)
   */
  readonly #cutOff = new Set<number>();

  /** `close` cuts the connection off; the returned function forgets it (when it closed by itself). */
  add(kioskId: number, close: () => void): () => void {
    if (this.#cutOff.has(kioskId)) {
      close();
      return () => {};
    }
    let open = this.#byKiosk.get(kioskId);
    if (!open) this.#byKiosk.set(kioskId, (open = new Set()));
    open.add(close);
    return () => {
      open.delete(close);
      if (open.size === 0 && this.#byKiosk.get(kioskId) === open) this.#byKiosk.delete(kioskId);
    };
  }

  count(kioskId: number): number {
    return this.#byKiosk.get(kioskId)?.size ?? 0;
  }

  /** Closes every connection of the revoked kiosk, and any it opens later; how many there were. */
  closeAll(kioskId: number): number {
    this.#cutOff.add(kioskId);
    const open = this.#byKiosk.get(kioskId);
    this.#byKiosk.delete(kioskId);
    for (const close of open ?? []) close();
    return open?.size ?? 0;
  }
}
