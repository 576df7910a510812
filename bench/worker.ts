// Worker thread: run the chunks the main thread sends, post the packed results back.
import { parentPort } from 'node:worker_threads';
import { runChunk, type ChunkRequest } from './chunk.js';

parentPort?.on('message', (request: ChunkRequest & { id: number }) => {
  try {
    parentPort?.postMessage({ id: request.id, result: runChunk(request) });
  } catch (error) {
    parentPort?.postMessage({
      id: request.id,
      error: error instanceof Error ? error.message : String(error)
    });
  }
});
