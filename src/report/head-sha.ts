// The commit a check run belongs to. On `pull_request` events GITHUB_SHA is a merge commit, and a
// check run posted there does not show on the pull request: use the PR's head instead.

export interface ShaContext {
  sha: string;
  payload: { pull_request?: { [key: string]: unknown; head?: { sha?: string } } };
}

export function headSha(context: ShaContext): string {
  return context.payload.pull_request?.head?.sha ?? context.sha;
}
