// Local stand-ins for the well-known actions the waves workflow uses, for the local runner
// (workflow-runner.ts): what each does to the job, without GitHub.
import fs from 'node:fs';
import path from 'node:path';

/** Local stand-ins for well-known actions: what they do to the job, without GitHub. */
export type LocalAction = (step: {
  with: Record<string, string>;
  artifacts: string;
  workspace: string;
}) => void;

export const LOCAL_ACTIONS: Record<string, LocalAction> = {
  // The workspace is this checkout already.
  'actions/checkout': () => undefined,
  // The real Helm is on PATH (the demo puts it there).
  'azure/setup-helm': () => undefined,
  'actions/upload-artifact': ({ with: w, artifacts, workspace }) => {
    const target = path.join(artifacts, w.name);
    if (fs.existsSync(target)) throw new Error(`upload-artifact: an artifact named ${w.name} exists already`);
    const source = path.resolve(workspace, w.path);
    fs.mkdirSync(target, { recursive: true });
    fs.cpSync(source, path.join(target, path.basename(source)), { recursive: true });
  },
  // v4 with a pattern: each matching artifact into a directory of its name under `path`.
  'actions/download-artifact': ({ with: w, artifacts, workspace }) => {
    const pattern = new RegExp(
      `^${(w.pattern || w.name || '*').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`
    );
    const into = path.resolve(workspace, w.path || '.');
    for (const name of fs.existsSync(artifacts) ? fs.readdirSync(artifacts) : [])
      if (pattern.test(name))
        fs.cpSync(path.join(artifacts, name), path.join(into, name), { recursive: true });
  }
};

/** `owner/repo` of a `uses:`, without its ref. */
export const usesName = (uses: string): string => uses.split('@')[0];
