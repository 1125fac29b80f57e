import { createRoute } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireOwnCustomer, requireRole } from "../../http/auth.ts";
import { BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  CustomerIdParamsSchema,
  CustomerPatchSchema,
  CustomerReplaceSchema,
  CustomerSchema,
  WishlistAddSchema,
  WishlistItemParamsSchema,
  WishlistItemSchema,
  WishlistQuerySchema,
  WishlistSchema,
} from "./customers.schemas.ts";

const tags = ["Customers"];
/** Any signed-in caller; the handler then lets customers reach only themselves (others' ids are 404). */
/** Signed in, and the customer in the path is the caller (or the caller is staff). */
const signedIn = [requireRole(), requireOwnCustomer];
const who = "A customer reaches only their own (`me`); staff and admins reach any.";

export const getCustomer = createRoute({
  method: "get",
  path: "/customers/{id}",
  tags,
  summary: "Read a customer's profile",
  description: who,
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerIdParamsSchema },
  responses: {
    200: jsonContent(CustomerSchema, "The profile."),
    ...problemResponses(401, 404),
  },
});

export const replaceCustomer = createRoute({
  method: "put",
  path: "/customers/{id}",
  tags,
  summary: "Replace a customer's profile",
  description: `Fields left out are cleared. The e-mail is read-only here. ${who}`,
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerIdParamsSchema, ...jsonBody(CustomerReplaceSchema) },
  responses: {
    200: jsonContent(CustomerSchema, "The profile as stored."),
    ...problemResponses(401, 404, ...BODY_ERRORS),
  },
});

export const patchCustomer = createRoute({
  method: "patch",
  path: "/customers/{id}",
  tags,
  summary: "Change some fields of a customer's profile",
  description: `A JSON merge patch (RFC 7396), sent as \`application/merge-patch+json\` or \`application/json\`; \`preferences\` merges member by member and the result is validated as a whole. ${who}`,
  ...access("owner"),
  middleware: signedIn,
  request: {
    params: CustomerIdParamsSchema,
    body: {
      required: true,
      content: {
        "application/merge-patch+json": { schema: CustomerPatchSchema },
        "application/json": { schema: CustomerPatchSchema },
      },
    },
  },
  responses: {
    200: jsonContent(CustomerSchema, "The profile as stored."),
    ...problemResponses(401, 404, ...BODY_ERRORS),
  },
});

export const listWishlist = createRoute({
  method: "get",
  path: "/customers/{id}/wishlist",
  operationId: "getWishlist",
  tags,
  summary: "List a customer's wishlist",
  description: `Newest first, with a summary of each spirit. ${who}`,
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerIdParamsSchema, query: WishlistQuerySchema },
  responses: {
    200: jsonContent(WishlistSchema, "One page of the wishlist."),
    ...problemResponses(401, 404, 422),
  },
});

export const addToWishlist = createRoute({
  method: "post",
  path: "/customers/{id}/wishlist",
  operationId: "addWishlistItem",
  tags,
  summary: "Add a spirit to a customer's wishlist",
  description: `Adding a spirit that is already there changes nothing and answers 200 with the existing item. A spirit that does not exist, or is archived, is a 422. ${who}`,
  ...access("owner"),
  middleware: signedIn,
  request: { params: CustomerIdParamsSchema, ...jsonBody(WishlistAddSchema) },
  responses: {
    200: jsonContent(WishlistItemSchema, "Already on the wishlist; nothing changed."),
    201: jsonContent(WishlistItemSchema, "Added."),
    ...problemResponses(401, 404, 409, ...BODY_ERRORS),
  },
});

export const removeFromWishlist = createRoute({
  method: "delete",
  path: "/customers/{id}/wishlist/{spiritId}",
  operationId: "removeWishlistItem",
  tags,
  summary: "Remove a spirit from a customer's wishlist",
  description: `Idempotent: removing a spirit that is not there also answers 204. ${who}`,
  ...access("owner"),
  middleware: signedIn,
  request: { params: WishlistItemParamsSchema },
  responses: {
    204: { description: "Not on the wishlist (any more)." },
    ...problemResponses(401, 404),
  },
});

export type GetCustomerRoute = typeof getCustomer;
export type ReplaceCustomerRoute = typeof replaceCustomer;
export type PatchCustomerRoute = typeof patchCustomer;
export type ListWishlistRoute = typeof listWishlist;
export type AddToWishlistRoute = typeof addToWishlist;
export type RemoveFromWishlistRoute = typeof removeFromWishlist;
