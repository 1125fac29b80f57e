import {
  CompactSign,
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from "jose";

/** The public half of the checkpoint key, as published (a JWK set has one of these per key). */
export type PublicKey = { kty: "OKP"; crv: "Ed25519"; x: string; kid: string; alg: "EdDSA"; use: "sig" };

export type CheckpointSigner = { kid: string; publicKey: PublicKey; sign(payload: string): Promise<string> };

export async function signerFromJwk(json: string): Promise<CheckpointSigner> {
  const jwk = JSON.parse(json) as JWK;
  const key = await importJWK({ ...jwk, alg: "EdDSA" }, "EdDSA");
  const kid = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x! });
  return {
    kid,
    publicKey: { kty: "OKP", crv: "Ed25519", x: jwk.x!, kid, alg: "EdDSA", use: "sig" },
    sign: (payload) =>
      new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: "EdDSA", kid }).sign(key),
  };
}

/** A new Ed25519 key as a private JWK (JSON): what a development data directory keeps. */
export async function generateSigningJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  return JSON.stringify(await exportJWK(privateKey));
}

/** The payload a checkpoint's signature covers, if it checks out against one of the keys. */
export async function verifyCheckpointSignature(jws: string, keys: PublicKey[]): Promise<string | null> {
  for (const k of keys) {
    try {
      const { payload } = await compactVerify(jws, await importJWK(k, "EdDSA"));
      return new TextDecoder().decode(payload);
    } catch {
      // Not this key; try the next.
    }
  }
  return null;
}
