import type { HmacSha256 } from "../http/hs256.ts";

/** Bun's synchronous HMAC-SHA256 (native, no thread hop): what TokenService checks our tokens with. */
export const bunHmacSha256: HmacSha256 = (key, data) =>
  new Bun.CryptoHasher("sha256", key).update(data).digest() as Uint8Array;
