import type { HumanCheck } from "../deps.ts";

const SITEVERIFY = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/**
 * Cloudflare Turnstile's server-side check (siteverify), the same on Bun and Workers. A token is good for
 * one check; a network failure refuses (an entry can be retried, a bot let through cannot be undone).
 */
export function turnstileCheck(secret: string, fetcher: typeof fetch = fetch): HumanCheck {
  return {
    async verify(token, { action, clientAddress }) {
      if (!token) return false;
      const form = new FormData();
      form.set("secret", secret);
      form.set("response", token);
      if (clientAddress) form.set("remoteip", clientAddress);
      try {
        const res = await fetcher(SITEVERIFY, { method: "POST", body: form });
        if (!res.ok) return false;
        const body = (await res.json()) as { success?: boolean; action?: string };
        return body.success === true && (!body.action || body.action === action);
      } catch {
        return false;
      }
    },
  };
}
