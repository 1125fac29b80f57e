import { createRoute } from "@hono/zod-openapi";
import { access } from "../../http/access.ts";
import { requireRole } from "../../http/auth.ts";
import { cachedContent, cachedRead, NOT_MODIFIED } from "../../http/http-cache.ts";
import { IdempotencyKeyHeader, IdempotentReplayedHeader, idempotent } from "../../http/idempotency.ts";
import { AUTH_ERRORS, BODY_ERRORS, jsonBody, jsonContent, problemResponses } from "../../http/openapi.ts";
import {
  AuditIdParamsSchema,
  AuditListQuerySchema,
  AuditListSchema,
  AuditSchema,
  InventorySchema,
  MovementListSchema,
  MovementQuerySchema,
  SpiritIdParamsSchema,
  StockChangeResultSchema,
  StockChangeSchema,
} from "./inventory.schemas.ts";

const tags = ["Inventory"];
const staffOnly = [requireRole("staff", "admin")];

export const getInventory = createRoute({
  method: "get",
  path: "/inventory/{spiritId}",
  tags,
  summary: "Availability of a spirit: total and per location (staff: per batch × location, with versions)",
  description: "Holds past their expiry count as released here even before the reaper has run.",
  ...access("public", { readsToken: true }),
  ...cachedRead("stock"),
  request: { params: SpiritIdParamsSchema },
  responses: {
    200: cachedContent(InventorySchema, "The spirit's stock."),
    ...NOT_MODIFIED,
    ...problemResponses(401, 404),
  },
});

export const changeInventory = createRoute({
  method: "patch",
  path: "/inventory/{spiritId}",
  operationId: "changeStock",
  tags,
  summary: "Receive, adjust, transfer or count stock (staff)",
  description:
    "One typed operation, written to the movement ledger with who, when and why. With `expectedVersion` it " +
    "applies only if the level is still at that version (409 `stale-version` otherwise, and nothing changes). " +
    "On-hand can never go below what is reserved (409 `below-reserved`). With an `Idempotency-Key`, a retry " +
    "gets the first answer and changes nothing more (a receive is not counted twice).",
  ...access("staff"),
  middleware: [...staffOnly, idempotent("inventory.change")],
  request: { params: SpiritIdParamsSchema, headers: IdempotencyKeyHeader, ...jsonBody(StockChangeSchema) },
  responses: {
    200: {
      ...jsonContent(StockChangeResultSchema, "The spirit's stock after the operation."),
      headers: IdempotentReplayedHeader,
    },
    ...problemResponses(...AUTH_ERRORS, ...BODY_ERRORS, 404, 409),
  },
});

export const listMovements = createRoute({
  method: "get",
  path: "/inventory/{spiritId}/movements",
  operationId: "listStockMovements",
  tags,
  summary: "The spirit's movement ledger, newest first (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: SpiritIdParamsSchema, query: MovementQuerySchema },
  responses: {
    200: jsonContent(MovementListSchema, "One page of movements."),
    ...problemResponses(...AUTH_ERRORS, 404, 422),
  },
});

export const runAudit = createRoute({
  method: "post",
  path: "/inventory/audits",
  operationId: "runStockAudit",
  tags,
  summary: "Audit all stock against the ledger and the holds (staff)",
  description: "Stores and returns the report. Discrepancies are reported, never corrected silently.",
  ...access("staff"),
  middleware: staffOnly,
  responses: {
    201: jsonContent(AuditSchema, "The audit report."),
    ...problemResponses(...AUTH_ERRORS),
  },
});

export const listAudits = createRoute({
  method: "get",
  path: "/inventory/audits",
  operationId: "listStockAudits",
  tags,
  summary: "Past audits, newest first (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { query: AuditListQuerySchema },
  responses: {
    200: jsonContent(AuditListSchema, "One page of audits."),
    ...problemResponses(...AUTH_ERRORS, 422),
  },
});

export const getAudit = createRoute({
  method: "get",
  path: "/inventory/audits/{id}",
  operationId: "getStockAudit",
  tags,
  summary: "One audit report (staff)",
  ...access("staff"),
  middleware: staffOnly,
  request: { params: AuditIdParamsSchema },
  responses: {
    200: jsonContent(AuditSchema, "The audit report."),
    ...problemResponses(...AUTH_ERRORS, 404),
  },
});

export type GetInventoryRoute = typeof getInventory;
export type ChangeInventoryRoute = typeof changeInventory;
export type ListMovementsRoute = typeof listMovements;
export type RunAuditRoute = typeof runAudit;
export type ListAuditsRoute = typeof listAudits;
export type GetAuditRoute = typeof getAudit;
