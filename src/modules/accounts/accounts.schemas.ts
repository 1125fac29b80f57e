import { z } from "@hono/zod-openapi";
import { pageQueryShape } from "../../http/pagination.ts";
import { must, strictFields } from "../../http/schema-messages.ts";

export const ROLES = ["customer", "staff", "admin"] as const;
export const STAFF_ROLES = ["staff", "admin"] as const;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export const EmailSchema = z
  .email(must("an e-mail address"))
  .max(254, "must be at most 254 characters")
  .openapi({ description: "Compared without regard to case.", example: "ada@example.com" });

export const PasswordSchema = z
  .string(must("a password"))
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`)
  .openapi({
    description: `${PASSWORD_MIN} to ${PASSWORD_MAX} characters. Stored only as a salted argon2id (or PBKDF2) hash.`,
    example: "correct horse battery staple",
  });

export const RoleSchema = z
  .enum(ROLES, must(`one of ${ROLES.join(", ")}`))
  // `examples`, not `example`: the role is also a filter of listAccounts, which "Try it out" would pre-fill.
  .openapi("Role", { description: "What the account may do.", examples: ["staff"] });

const at = "2026-05-20T09:30:00.000Z";

export const AccountSchema = z
  .object({
    id: z.string().openapi({ example: "usr_01hx4k7m2qa9c3r5t7v9wxyz" }),
    email: z.string().openapi({ example: "sam@shop.example" }),
    name: z.string().openapi({ example: "Sam Ward" }),
    role: RoleSchema,
    emailVerified: z.boolean().openapi({
      description: "The owner proved the address (a link sent to it, or a password reset through it).",
    }),
    disabled: z.boolean().openapi({ description: "A disabled account cannot sign in or use its tokens." }),
    signIn: z.enum(["password", "oidc", "token-only"]).openapi({
      description:
        "How the account signs in: a password, the OpenID Connect provider, or neither (development tokens only).",
    }),
    createdAt: z.string().openapi({ example: at }),
    updatedAt: z.string().openapi({ example: at }),
  })
  .openapi("Account");

export type Account = z.infer<typeof AccountSchema>;

export const AccountListSchema = z
  .object({
    items: z.array(AccountSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .openapi("AccountList");

export const AccountListQuerySchema = z.object({
  role: RoleSchema.optional().openapi({ param: { name: "role", in: "query" } }),
  ...pageQueryShape(),
});

export const NewStaffAccountSchema = z
  .strictObject(
    {
      email: EmailSchema,
      password: PasswordSchema,
      role: z.enum(STAFF_ROLES, must("staff or admin")).openapi({ example: "staff" }),
      name: z
        .string(must("text"))
        .trim()
        .max(200, "must be at most 200 characters")
        .optional()
        .openapi({ example: "Sam Ward" }),
    },
    strictFields("an object with email, password, role and name"),
  )
  .openapi("NewStaffAccount", {
    description: "A staff or admin account; customers register themselves.",
    example: {
      email: "sam@shop.example",
      password: "a long passphrase here",
      role: "staff",
      name: "Sam Ward",
    },
  });

export type NewStaffAccount = z.output<typeof NewStaffAccountSchema>;

export const AccountPatchSchema = z
  .strictObject(
    {
      role: RoleSchema.optional(),
      disabled: z.boolean(must("true or false")).optional(),
    },
    strictFields("an object with role and/or disabled"),
  )
  .refine((p) => p.role !== undefined || p.disabled !== undefined, "must change role or disabled")
  .openapi("AccountPatch", {
    description:
      "Changes an account's role or disables it. Disabling ends its sessions (refresh tokens); its access tokens stop working at once.",
    example: { disabled: true },
  });

export type AccountPatch = z.output<typeof AccountPatchSchema>;

export const AccountIdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" }, example: "usr_01hx4k7m2qa9c3r5t7v9wxyz" }),
});
