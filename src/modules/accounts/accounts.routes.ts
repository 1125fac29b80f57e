import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  AccountIdParamsSchema,
  AccountListQuerySchema,
  AccountListSchema,
  AccountPatchSchema,
  AccountSchema,
  NewStaffAccountSchema,
} from "./accounts.schemas.ts";

const tags = ["Accounts"];
const adminOnly = [requireRole("admin")];

export const listAccounts = createRoute({
  method: "get",
  path: "/accounts",
  tags,
  summary: "List accounts (admin)",
  description: "Newest first, with cursor pagination; `role` narrows the list to customers, staff or admins.",
  ...access("admin"),
  middleware: adminOnly,
  request: { query: AccountListQuerySchema },
  responses: {
    200: jsonContent(AccountListSchema, "One page of accounts."),
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export const createAccount = createRoute({
  method: "post",
  path: "/accounts",
  tags,
  summary: "Add a staff or admin account (admin)",
  ...access("admin"),
  middleware: adminOnly,
  request: jsonBody(NewStaffAccountSchema),
  responses: {
    201: {
      ...jsonContent(AccountSchema, "The account as stored."),
      headers: z.object({ Location: z.string().openapi({ description: "The URL of the new account." }) }),
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 409),
  },
});

export const getAccount = createRoute({
  method: "get",
  path: "/accounts/{id}",
  tags,
  summary: "Read an account (admin)",
  ...access("admin"),
  middleware: adminOnly,
  request: { params: AccountIdParamsSchema },
  responses: {
    200: jsonContent(AccountSchema, "The account."),
    ...problemResponses(...AUTH_ERRORS, 404),
  },
});

export const updateAccount = createRoute({
  method: "patch",
  path: "/accounts/{id}",
  tags,
  summary: "Change an account's role, or disable it (admin)",
  description:
    "An admin cannot demote or disable themselves (403). Disabling ends the account's sessions at once.",
  ...access("admin"),
  middleware: adminOnly,
  request: { params: AccountIdParamsSchema, ...jsonBody(AccountPatchSchema) },
  responses: {
    200: jsonContent(AccountSchema, "The account as stored."),
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404),
  },
});

export type ListAccountsRoute = typeof listAccounts;
export type CreateAccountRoute = typeof createAccount;
export type GetAccountRoute = typeof getAccount;
export type UpdateAccountRoute = typeof updateAccount;
