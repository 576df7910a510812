// The one way an unknown thrown value becomes text for a reason, a log line or a warning.

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
