/**
 * Browser origins allowed to call the API: the server's own (an Origin whose host is
 * the Host header) and those listed in MERIDIAN_ALLOWED_ORIGINS. A request without an
 * Origin header comes from a non-browser client and is allowed.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
