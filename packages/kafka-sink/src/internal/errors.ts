/** Whether kafkajs marks the error as worth retrying. */
export function isRetriable(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { retriable?: unknown }).retriable === true
  );
}

/** One line for the log: the error and, when kafkajs wraps one, its cause. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause =
    (error as { cause?: unknown; originalError?: unknown }).originalError ?? error.cause;
  return cause instanceof Error
    ? `${error.name}: ${error.message} (${cause.message})`
    : `${error.name}: ${error.message}`;
}
