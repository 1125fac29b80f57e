import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { RATE_LIMITED_RESPONSE } from "../../http/api-rate-limit.ts";
import { requireRole, requireSelfOrAdmin } from "../../http/auth.ts";
import { BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import { CustomerIdParamsSchema } from "../customers/index.ts";
import { CustomerExportSchema, EraseInputSchema, ErasureReceiptSchema } from "./privacy.schemas.ts";

const tags = ["Customers"];
/** Signed in, and the customer in the path is the caller, or the caller is an admin. */
const selfOrAdmin = [requireRole(), requireSelfOrAdmin];
const who = "The customer themselves (`me`) or an admin; staff get 403, another customer 404.";

export const exportCustomer = createRoute({
  method: "get",
  path: "/customers/{id}/export",
  operationId: "exportCustomerData",
  tags,
  summary: "Export everything held about a customer (GDPR)",
  description: `One JSON document with every row that names the customer: account (no secrets), profile, sessions, e-mailed links, orders with their lines, history, shipments, returns and payments, stock holds, wishlist, reviews, interactions, searches, poll answers, recommendations and the audit entries about them; \`notExported\` says what else mentions them. An admin's export is audited. 5 at once, then one every 12 minutes, per caller. ${who}`,
  ...access("self-or-admin"),
  middleware: selfOrAdmin,
  request: { params: CustomerIdParamsSchema },
  responses: {
    200: {
      ...jsonContent(CustomerExportSchema, "The customer's data."),
      headers: z.object({
        "Content-Disposition": z.string().openapi({ description: "A file name to save it under." }),
      }),
    },
    ...problemResponses(401, 403, 404),
    429: {
      ...RATE_LIMITED_RESPONSE,
      description: "Too many exports by this caller; wait `Retry-After` seconds.",
    },
  },
});

export const eraseCustomer = createRoute({
  method: "post",
  path: "/customers/{id}/erase",
  operationId: "eraseCustomer",
  tags,
  summary: "Erase a customer's personal data (GDPR)",
  description: `Cannot be undone. Deletes the wishlist, reviews (ratings are counted again), interactions, searches, poll answers, recommendations, sessions and e-mailed links; blanks the profile (name, display name, date of birth, country, region, preferences); keeps orders for the accounts and tax law, without name, street, city, postcode or phone; disables the account with an address that reaches no one, so signing in and every token are refused. The customer confirms with their password (\`password\`), an admin by naming the id (\`confirm\`). Refused (409 \`erasure-blocked\`) while orders are open (pre-ordered, reserved, paid and not shipped) and for staff or admin accounts. ${who}`,
  ...access("self-or-admin"),
  middleware: selfOrAdmin,
  request: { params: CustomerIdParamsSchema, ...jsonBody(EraseInputSchema) },
  responses: {
    200: jsonContent(ErasureReceiptSchema, "Erased; what went and what stays."),
    ...problemResponses(401, 404, 409, ...BODY_ERRORS),
    403: {
      ...problemResponses(403)[403],
      description: "Staff on someone else, or the password is wrong (`wrong-password`).",
    },
    429: {
      ...RATE_LIMITED_RESPONSE,
      description: "Too many wrong passwords for this account; wait `Retry-After` seconds.",
    },
  },
});

export type ExportCustomerRoute = typeof exportCustomer;
export type EraseCustomerRoute = typeof eraseCustomer;
