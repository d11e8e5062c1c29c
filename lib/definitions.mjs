// definitions.mjs — checks an exercise definition the way `kinetrack
// exercise validate` reports it: the JSON, then the JSON Schema
// (exercises/definition.schema.json: unknown keys, types, ranges, each
// named by its path), then the C parser itself at every difficulty
// (metric names that do not exist, thresholds in the wrong order). A file
// that passes runs exactly as `userExercise` would run it.
import fs from 'node:fs';
import path from 'node:path';

import Ajv from 'ajv';

import { loadRuntime, repoRoot } from './runtime.mjs';

export const SCHEMA_PATH = path.join(repoRoot, 'exercises', 'definition.schema.json');

let validator = null;
function schemaValidator() {
  if (!validator) {
    // strictRequired/strictTypes off: the schema's if/then branches name
    // properties declared at the top level.
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
    validator = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')));
  }
  return validator;
}

// "/rep/signals/0/metric" -> "rep.signals[0].metric"
function fieldOf(instancePath) {
  const parts = instancePath.split('/').slice(1);
  return parts.reduce((s, p) => (/^\d+$/.test(p) ? `${s}[${p}]` : s ? `${s}.${p}` : p), '') || '(the document)';
}

/**
 * @returns {Promise<{ok: boolean, errors: {field: string, message: string}[], definition?: object}>}
 */
export async function validateDefinition(text) {
  let definition;
  try {
    definition = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [{ field: '(the document)', message: `not JSON: ${e.message}` }] };
  }
  const v = schemaValidator();
  if (!v(definition)) {
    // The deepest, most specific errors first; one per field.
    const seen = new Set();
    const errors = [];
    for (const e of v.errors) {
      const field = fieldOf(e.instancePath);
      const detail = e.keyword === 'additionalProperties' ? `unknown key '${e.params.additionalProperty}'`
        : e.keyword === 'enum' ? `must be one of ${e.params.allowedValues.map((x) => JSON.stringify(x)).join(', ')}`
        : e.message;
      const key = `${field}: ${detail}`;
      if (seen.has(key) || ['oneOf', 'anyOf', 'allOf', 'if'].includes(e.keyword)) continue;
      seen.add(key);
      errors.push({ field, message: detail });
    }
    if (!errors.length) errors.push({ field: fieldOf(v.errors[0].instancePath), message: v.errors[0].message });
    return { ok: false, errors };
  }
  const reason = (await loadRuntime()).checkDefinition(text);
  if (reason) return { ok: false, errors: [{ field: '(compiled)', message: reason }], definition };
  return { ok: true, errors: [], definition };
}
