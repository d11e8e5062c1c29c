// schemas.mjs — validates messages against tests/schemas/<type>.schema.json
// with ajv. A message whose type has no schema fails: every message type a
// test sees must be described.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schemas');
const ajv = new Ajv({ allErrors: true, strict: true });
// Shared parts of several messages (defs/*.schema.json, referenced by $id).
for (const f of fs.readdirSync(path.join(dir, 'defs')).filter((f) => f.endsWith('.schema.json')))
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, 'defs', f), 'utf8')));
// The reference signature file's schema (exercises/), which the
// reference_signature message carries.
ajv.addSchema(JSON.parse(fs.readFileSync(path.resolve(dir, '../../exercises/reference.schema.json'), 'utf8')));
const validators = new Map();
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.schema.json'))) {
  const schema = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  validators.set(schema.$id, ajv.compile(schema));
}

export function validateMessage(message) {
  const v = validators.get(message?.type);
  if (!v) throw new Error(`no schema for message type ${JSON.stringify(message?.type)}`);
  if (!v(message)) throw new Error(`${message.type} message invalid: ${ajv.errorsText(v.errors)}\n${JSON.stringify(message).slice(0, 400)}`);
  if (message.type === 'keypoints' && JSON.stringify(message.data) !== JSON.stringify(message.keypoints))
    throw new Error('keypoints: data and keypoints differ');
  if (message.type === 'error' && message.code !== message.error) throw new Error('error: code and error differ');
  if (message.type === 'image_overlay' && message.data !== message.url) throw new Error('image_overlay: data and url differ');
  return message;
}

// A signature file against exercises/reference.schema.json.
export function validateSignature(signature) {
  const v = ajv.getSchema('https://kinetrack.local/exercises/reference.schema.json');
  if (!v(signature)) throw new Error(`signature invalid: ${ajv.errorsText(v.errors)}`);
  return signature;
}

export function validateAll(messages) {
  for (const m of messages) validateMessage(m);
  return messages;
}
