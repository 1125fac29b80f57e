import { z } from "@hono/zod-openapi";
import { must, strictFields } from "../../http/schema-messages.ts";
import { EmailSchema, PasswordSchema, RoleSchema } from "../accounts/index.ts";

export const RegisterInputSchema = z
  .strictObject(
    {
      email: EmailSchema,
      password: PasswordSchema,
      name: z
        .string(must("text"))
        .trim()
        .max(200, "must be at most 200 characters")
        .optional()
        .openapi({ example: "Ada Lovelace" }),
    },
    strictFields("an object with email, password and name"),
  )
  .openapi("Registration", {
    example: { email: "ada@example.com", password: "correct horse battery staple", name: "Ada Lovelace" },
  });

export type RegisterInput = z.output<typeof RegisterInputSchema>;

export const REGISTER_ACCEPTED = {
  status: "accepted",
  message: "If this e-mail can be registered, its account is ready: sign in with it.",
} as const;

export const RegisterAcceptedSchema = z
  .object({
    status: z.literal("accepted"),
    message: z.string(),
  })
  .openapi("RegistrationAccepted", {
    description:
      "The same answer whether or not the e-mail was already registered, so nobody can probe addresses; the address's owner hears by e-mail.",
    example: REGISTER_ACCEPTED,
  });

export const LoginInputSchema = z
  .strictObject(
    {
      email: EmailSchema,
      // Not held to today's length rules: an older or configured password must still sign in.
      password: z
        .string(must("a password"))
        .min(1, "must not be empty")
        .max(256, "must be at most 256 characters")
        .openapi({ example: "correct horse battery staple" }),
    },
    strictFields("an object with email and password"),
  )
  .openapi("Login", { example: { email: "ada@example.com", password: "correct horse battery staple" } });

export type LoginInput = z.output<typeof LoginInputSchema>;

const refreshToken = z
  .string(must("a refresh token"))
  .min(1, "must not be empty")
  .max(200, "is not a refresh token")
  .openapi({ example: "rt_4bYc2kG0mJ9nqv7XfW1sZpLr8tQ3eHd6uAoC5iNyBxE" });

export const RefreshInputSchema = z
  .strictObject({ refreshToken }, strictFields("an object with refreshToken"))
  .openapi("RefreshRequest");

export const LogoutInputSchema = z
  .strictObject({ refreshToken }, strictFields("an object with refreshToken"))
  .openapi("LogoutRequest");

export const TokensSchema = z
  .object({
    accessToken: z.string().openapi({ description: "A JWT to send as `Authorization: Bearer <token>`." }),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().openapi({ description: "Seconds the access token is valid.", example: 900 }),
    refreshToken: z.string().openapi({
      description:
        "Trade it at `POST /auth/refresh` for new tokens. Each refresh token works once: using one again ends the whole session.",
      example: "rt_4bYc2kG0mJ9nqv7XfW1sZpLr8tQ3eHd6uAoC5iNyBxE",
    }),
    refreshExpiresAt: z.string().openapi({ example: "2026-07-01T12:00:00.000Z" }),
    account: z
      .object({
        id: z.string().openapi({ example: "cus_01hx4k7m2qa9c3r5t7v9wxyz" }),
        email: z.string().openapi({ example: "ada@example.com" }),
        role: RoleSchema,
        emailVerified: z.boolean().openapi({
          description: "Whether the address is verified (`POST /auth/verify-email/resend` sends a new link).",
        }),
      })
      .openapi("SignedInAccount"),
  })
  .openapi("Tokens");

export type Tokens = z.infer<typeof TokensSchema>;
