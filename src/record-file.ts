// Writes and reads the JSON rollout record (the `report` output). Written atomically, because the
// post step may read it after the main step was killed mid-write.
import fs from 'node:fs';
import path from 'node:path';
import type { RolloutRecord } from './rollout/record.js';

export function writeRecord(file: string, record: RolloutRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(partial, file);
}

export function readRecord(file: string): RolloutRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RolloutRecord;
  } catch {
    return undefined;
  }
}
