// operator-files.mjs — the files an operator keeps for the queries that
// name them: userExercise=<id> (movements) and reference=<uuid>
// (references). `from` is a folder of <id>.json files (what `kinetrack
// serve --movements|--references` serves) or an object { id: content }.
import fs from 'node:fs';
import path from 'node:path';

import { KinetrackError } from './runtime.mjs';

// The content for `id`: null when `id` is empty; the host's `error`
// message (notFound(id): {code, message, details}) thrown when missing.
export function operatorFile(kt, id, from, notFound) {
  if (!id) return null;
  let found = null;
  if (typeof from === 'string') {
    const file = path.join(from, `${id}.json`); // ids are [A-Za-z0-9_-] (checked by the C parser)
    if (fs.existsSync(file)) found = fs.readFileSync(file, 'utf8');
  } else if (from && Object.hasOwn(from, id)) {
    found = from[id];
  }
  if (found == null) {
    const e = notFound(id);
    throw new KinetrackError(e.code, e.message, kt.messages.error(e.code, e.message, { details: e.details }));
  }
  return found;
}

// The id a query names in `field` (userExercise, reference); '' when none
// or when the query is refused (the tracker refuses it with its message).
export function queryId(kt, query, plan, field) {
  try {
    return kt.parseQuery(query, plan)[field] || '';
  } catch {
    return '';
  }
}
