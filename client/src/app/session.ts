import type { ViewerFieldsFragment } from "../generated/graphql";

/**
 * The sign-in of this tab. The access token lives only in memory; the refresh token sits in
 * sessionStorage so a reload of the tab stays signed in, while closing the tab (or the
 * browser) ends it: on a shared hospital workstation nothing outlives the tab, and a script
 * injected into the page could read either storage, so the token that lasts is kept as
 * short-lived as the tab. The cost: a new tab signs in again.
 */
const REFRESH_KEY = "meridian.refreshToken";

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  user: ViewerFieldsFragment;
}

type Listener = (user: ViewerFieldsFragment | null) => void;

/** Seconds before expiry at which a request first refreshes the access token. */
const REFRESH_MARGIN_MS = 60_000;

function expiryOf(accessToken: string): number {
  try {
    const payload = JSON.parse(atob(accessToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: number };
    return typeof payload.exp === "number" ? payload.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

export class Session {
  private accessToken: string | null = null;
  private expiresAt = 0;
  private user: ViewerFieldsFragment | null = null;
  private refreshing: Promise<string | null> | null = null;
  private readonly listeners = new Set<Listener>();

  /** Exchanges a refresh token for new tokens; set by the Apollo client (it owns the transport). */
  exchange: (refreshToken: string) => Promise<SessionTokens | null> = async () => null;

  get viewer(): ViewerFieldsFragment | null {
    return this.user;
  }

  get storedRefreshToken(): string | null {
    return sessionStorage.getItem(REFRESH_KEY);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  signedIn(tokens: SessionTokens): void {
    this.accessToken = tokens.accessToken;
    this.expiresAt = expiryOf(tokens.accessToken);
    this.user = tokens.user;
    sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
    this.emit();
  }

  signedOut(): void {
    this.accessToken = null;
    this.expiresAt = 0;
    this.user = null;
    sessionStorage.removeItem(REFRESH_KEY);
    this.emit();
  }

  /** An access token valid for at least a minute, refreshed first when it is about to expire; null when signed out. */
  async freshAccessToken(): Promise<string | null> {
    if (this.accessToken && Date.now() < this.expiresAt - REFRESH_MARGIN_MS) return this.accessToken;
    if (!this.storedRefreshToken) return this.accessToken;
    return this.refresh();
  }

  /**
   * One refresh for every caller at once: refresh tokens rotate, and a second use of the same
   * one would revoke the whole sign-in.
   */
  refresh(): Promise<string | null> {
    if (!this.refreshing) {
      this.refreshing = this.runRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async runRefresh(): Promise<string | null> {
    const refreshToken = this.storedRefreshToken;
    if (!refreshToken) return null;
    const tokens = await this.exchange(refreshToken);
    if (!tokens) {
      this.signedOut();
      return null;
    }
    this.signedIn(tokens);
    return tokens.accessToken;
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.user);
  }
}
