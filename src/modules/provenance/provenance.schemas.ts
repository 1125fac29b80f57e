import { z } from "@hono/zod-openapi";
import { PROVENANCE_EVENTS } from "../../db/schema/provenance.ts";
import { pageQueryShape } from "../../http/pagination.ts";

const Hex = z.string().openapi({ description: "SHA-256, lowercase hex.", example: "9f2c…" });

export const SerialParamsSchema = z.object({
  serial: z
    .string()
    .min(3)
    .max(100)
    .openapi({
      param: { name: "serial", in: "path" },
      description: "The batch id and the bottle's number: `{batchId}-{number}`.",
      example: "bat_01hx5k3m2n8q7r6t5v4w3x-42",
    }),
});

export const CheckpointSchema = z
  .object({
    id: z.string(),
    seqTo: z.number().int().openapi({ description: "The last provenance entry the checkpoint covers." }),
    bottles: z.number().int(),
    root: Hex,
    signature: z.string().openapi({
      description:
        "Compact JWS (EdDSA, Ed25519) whose payload is canonical JSON of { at, bottles, root, seqTo }; `kid` names the key in /.well-known/provenance-keys.json.",
    }),
    keyId: z.string(),
    createdAt: z.string(),
  })
  .openapi("ProvenanceCheckpoint");

export const CheckpointListSchema = z
  .object({ items: z.array(CheckpointSchema), nextCursor: z.string().nullable() })
  .openapi("ProvenanceCheckpointList");
export const CheckpointListQuerySchema = z.object({ ...pageQueryShape() });
export const CheckpointIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "ckp_01hx5k3m2n8q7r6t5v4w3x" }),
});

export const BottleProvenanceSchema = z
  .object({
    serial: z.string(),
    batchId: z.string(),
    number: z.number().int(),
    spiritId: z.string().nullable(),
    entries: z.array(
      z.object({
        event: z.enum(PROVENANCE_EVENTS),
        locationId: z.string().nullable(),
        at: z.string(),
        facts: z
          .object({
            spiritId: z.string().nullable().optional(),
            batchNumber: z.string().nullable().optional(),
            caskNumbers: z.array(z.string()).nullable().optional(),
            bottlingDate: z.string().nullable().optional(),
          })
          .nullable(),
        prevHash: Hex.nullable(),
        hash: Hex,
      }),
    ),
    head: Hex,
    checkpoint: CheckpointSchema.nullable(),
    proof: z
      .object({
        head: Hex.openapi({ description: "The bottle's chain head as of the checkpoint." }),
        leafIndex: z.number().int(),
        steps: z.array(z.object({ side: z.enum(["left", "right"]), hash: Hex })),
      })
      .nullable()
      .openapi({
        description:
          "Inclusion of the head in the checkpoint's Merkle tree; null before the first checkpoint.",
      }),
  })
  .openapi("BottleProvenance", {
    description:
      'hash = SHA-256(canonicalJson(["angelshare.provenance.v1", serial, event, locationId, at, facts, prevHash])); leaf = SHA-256("leaf:" + serial + ":" + head); node = SHA-256("node:" + left + right). `npm run verify-bottle -- <url> <serial>` checks all of it.',
  });

export const ProvenanceKeysSchema = z
  .object({
    keys: z.array(
      z.object({
        kty: z.literal("OKP"),
        crv: z.literal("Ed25519"),
        x: z.string(),
        kid: z.string(),
        alg: z.literal("EdDSA"),
        use: z.literal("sig"),
      }),
    ),
  })
  .openapi("ProvenanceKeys");
export type BottleProvenance = z.infer<typeof BottleProvenanceSchema>;
