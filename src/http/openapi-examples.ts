/**
 * Examples of optional query parameters, kept where the docs page's "Try it out" does not send them.
 * Swagger UI 5 fills each parameter's field from the first of: the parameter's `examples` or `example`,
 * its content's `example`, its schema's `example` (also of the schema's first `oneOf`/`anyOf` member),
 * then defaults. An example sent as a filter narrows the list, so "Execute" with every field as filled
 * found nothing. The JSON Schema `examples` list (OpenAPI 3.1) still documents the value, and Swagger UI
 * does not pre-fill it. Required parameters keep theirs: the reader has to give a value anyway.
 */

type Json = Record<string, unknown>;

export function moveQueryExamplesToSchemas(operation: Record<string, unknown>) {
  for (const parameter of (operation.parameters as Json[] | undefined) ?? []) {
    if (parameter.in !== "query" || parameter.required === true) continue;
    const schema = parameter.schema as Json | undefined;
    const found: unknown[] = [];
    if (parameter.example !== undefined) found.push(parameter.example);
    for (const example of Object.values((parameter.examples as Record<string, Json> | undefined) ?? {}))
      if (example.value !== undefined) found.push(example.value);
    delete parameter.example;
    delete parameter.examples;
    // A `$ref` schema is shared with bodies, where an example is wanted; the document test catches one here.
    if (!schema || "$ref" in schema) continue;
    for (const s of [schema, ...firstMembers(schema)]) {
      if (s.example !== undefined) found.push(s.example);
      delete s.example;
    }
    const known = (schema.examples as unknown[] | undefined) ?? [];
    const fresh = found.filter((v) => !known.some((k) => JSON.stringify(k) === JSON.stringify(v)));
    if (known.length || fresh.length) schema.examples = [...known, ...fresh];
  }
}

/** Swagger UI merges the first alternative into the schema before it looks for an example. */
const firstMembers = (schema: Json): Json[] =>
  [(schema.oneOf as Json[] | undefined)?.[0], (schema.anyOf as Json[] | undefined)?.[0]].filter(
    (s): s is Json => s !== undefined && !("$ref" in s),
  );
