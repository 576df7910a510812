// The `kube-context` input: every Helm and kubectl call of the action talks to the same context of the
// runner's kubeconfig. Helm reads it from HELM_KUBECONTEXT (Helm 3 and 4), kubectl from its global
// --context flag, so no argv builder has to know about it and the post step gets it the same way.
import type { CommandRunner } from '../deploy/command-runner.js';

/** The runner for Helm, in `context` (unchanged when no context is set). */
export function helmInContext(run: CommandRunner, context: string | undefined): CommandRunner {
  if (context === undefined) return run;
  return (file, args, options = {}) =>
    run(file, args, { ...options, env: { ...options.env, HELM_KUBECONTEXT: context } });
}

/** The runner for kubectl, in `context` (unchanged when no context is set). */
export function kubectlInContext(run: CommandRunner, context: string | undefined): CommandRunner {
  if (context === undefined) return run;
  return (file, args, options) => run(file, ['--context', context, ...args], options);
}
