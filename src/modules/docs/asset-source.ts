import type { DocsVendorFile } from "../../deps.ts";

/** The files of swagger-ui-dist the page loads, with their content types. */
export const VENDOR_FILES = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
} as const satisfies Record<DocsVendorFile, string>;

export type VendorFile = DocsVendorFile;

export const isVendorFile = (name: string): name is VendorFile => Object.hasOwn(VENDOR_FILES, name);
