import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * GoWA's own OpenAPI document (../shared/reference/gowa-openapi.yaml, MIT) as the contract of the
 * requests a GoWA client sends: the tests build their requests from the seed's examples and check
 * each against it, so a test cannot pass with a request no GoWA client would make (a field name
 * of our own, a missing required field, a wrong type, a path GoWA does not have).
 */
const doc = parse(readFileSync(path.join(import.meta.dirname, '../../../shared/reference/gowa-openapi.yaml'), 'utf8')) as any;

const ref = (s: any): any => (s?.$ref ? ref(doc.components[s.$ref.split('/')[2]][s.$ref.split('/').pop()]) : s);

function typeOk(schema: any, value: unknown): boolean {
  const s = ref(schema);
  if (!s?.type) return true;
  switch (s.type) {
    case 'string':
      return typeof value === 'string' || (s.format === 'binary' && typeof value === 'object');
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false';
    case 'integer':
    case 'number':
      return typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
    case 'array':
      return Array.isArray(value) && value.every((v) => typeOk(s.items, v));
    case 'object':
      return typeof value === 'object' && value !== null;
    default:
      return true;
  }
}

/** The problems of a request against GoWA's document (empty: it is a request GoWA documents). */
export function gowaRequestProblems(method: string, pathWithQuery: string, body?: Record<string, unknown>, contentType = 'application/json'): string[] {
  const [pathname, search = ''] = pathWithQuery.split('?') as [string, string?];
  const route = pathname.replace(/^\/gowa/, '');
  const template = Object.keys(doc.paths).find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(route));
  if (!template) return [`${route}: not a GoWA path`];
  const op = doc.paths[template][method.toLowerCase()];
  if (!op) return [`${method} ${template}: not a GoWA operation`];
  const problems: string[] = [];
  const params = (op.parameters ?? []).map(ref);
  const query = new URLSearchParams(search);
  for (const p of params.filter((p: any) => p.in === 'query')) {
    if (p.required && !query.has(p.name)) problems.push(`query ${p.name}: required`);
    if (query.has(p.name) && !typeOk(p.schema, query.get(p.name))) problems.push(`query ${p.name}: wrong type`);
  }
  const known = new Set(['device_id', ...params.filter((p: any) => p.in === 'query').map((p: any) => p.name)]);
  for (const name of query.keys()) if (!known.has(name)) problems.push(`query ${name}: not in GoWA's document`);
  if (body !== undefined) {
    const content = op.requestBody?.content;
    const schema = ref(content?.[contentType]?.schema ?? (contentType === 'application/json' ? undefined : content?.['application/json']?.schema));
    if (!schema) return [...problems, `${method} ${template}: takes no ${contentType} body`];
    for (const name of schema.required ?? []) if (!(name in body)) problems.push(`body ${name}: required`);
    for (const [name, value] of Object.entries(body)) {
      const field = schema.properties?.[name];
      if (!field) problems.push(`body ${name}: not in GoWA's document`);
      else if (!typeOk(field, value)) problems.push(`body ${name}: wrong type`);
    }
  } else if (op.requestBody?.required) {
    problems.push(`${method} ${template}: a body is required`);
  }
  return problems;
}
