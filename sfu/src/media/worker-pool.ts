/**
 * The mediasoup workers: one per CPU core by default. A worker that dies is replaced at
 * once, and listeners are told which routers were lost so their sessions can rebuild.
 */
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../logger.ts';
import { routerMediaCodecs } from './media-codecs.ts';

export interface WorkerPoolEvents {
  /** A worker died and was replaced; the routers it hosted are closed. */
  'worker-replaced': [];
}

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #size: number;
  readonly #logger: Logger;
  readonly #workers: Array<types.Worker | null>;
  readonly #routersByWorker = new Map<types.Worker, Set<types.Router>>();
  #closing = false;

  constructor(size: number, logger: Logger) {
    super();
    this.#size = size;
    this.#logger = logger.child({ component: 'worker-pool' });
    this.#workers = Array.from({ length: size }, () => null);
  }

  get expected(): number {
    return this.#size;
  }

  get alive(): number {
    return this.#workers.filter((w) => w && !w.closed && !w.died).length;
  }

  get workers(): readonly types.Worker[] {
    return this.#workers.filter((w): w is types.Worker => w !== null);
  }

  async start(): Promise<void> {
    await Promise.all(this.#workers.map((_, slot) => this.#spawn(slot)));
  }

  /** A new router on the worker hosting the fewest routers. */
  async createRouter(): Promise<types.Router> {
    const worker = this.workers
      .filter((w) => !w.closed && !w.died)
      .sort((a, b) => this.#routerCount(a) - this.#routerCount(b))[0];
    if (!worker) throw new Error('no mediasoup worker is alive');
    const router = await worker.createRouter({ mediaCodecs: routerMediaCodecs });
    const routers = this.#routersByWorker.get(worker)!;
    routers.add(router);
    router.observer.once('close', () => routers.delete(router));
    return router;
  }

  /** router.dump() of every live router, for diagnostics. */
  async routerDumps() {
    const routers = [...this.#routersByWorker.values()].flatMap((set) => [...set]).filter((r) => !r.closed);
    const dumps = await Promise.all(routers.map((r) => r.dump().catch(() => null)));
    return dumps.filter((d) => d !== null);
  }

  async close(): Promise<void> {
    this.#closing = true;
    for (const worker of this.workers) worker.close();
  }

  #routerCount(worker: types.Worker): number {
    return this.#routersByWorker.get(worker)?.size ?? 0;
  }

  async #spawn(slot: number): Promise<void> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn' });
    this.#workers[slot] = worker;
    this.#routersByWorker.set(worker, new Set());
    this.#logger.info({ pid: worker.pid, slot }, 'mediasoup worker started');
    worker.on('died', (error) => {
      this.#routersByWorker.delete(worker);
      this.#logger.error({ pid: worker.pid, slot, err: error }, 'mediasoup worker died');
      if (this.#closing) return;
      void this.#replace(slot);
    });
  }

  async #replace(slot: number): Promise<void> {
    try {
      await this.#spawn(slot);
    } catch (error) {
      this.#logger.fatal({ err: error, slot }, 'could not replace a dead mediasoup worker');
    }
    this.emit('worker-replaced');
  }
}
