export interface CallOptions {
  /** Aborts the call when the caller (usually an HTTP request) goes away. */
  signal?: AbortSignal
}
