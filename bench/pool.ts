// A small pool of worker threads: each scenario's runs are split into chunks and spread over them.
import { Worker } from 'node:worker_threads';
import { runChunk, type ChunkRequest, type ChunkResult } from './chunk.js';

export class ChunkPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{
    request: ChunkRequest;
    resolve: (r: ChunkResult) => void;
    reject: (e: Error) => void;
  }> = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
        workerData: { entry: new URL('./worker.ts', import.meta.url).href }
      });
      worker.on('message', (message: { id: number; result?: ChunkResult; error?: string }) => {
        const job = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined) job?.reject(new Error(message.error));
        else if (message.result) job?.resolve(message.result);
        this.release(worker);
      });
      worker.on('error', (error) => {
        for (const job of this.pending.values()) job.reject(error);
        this.pending.clear();
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  run(request: ChunkRequest): Promise<ChunkResult> {
    if (this.size === 0) return Promise.resolve(runChunk(request));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  private release(worker: Worker): void {
    this.idle.push(worker);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, { resolve: job.resolve, reject: job.reject });
      worker.postMessage({ ...job.request, id });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
