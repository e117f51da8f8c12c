/**
 * `{name}`-style variables: a name of letters, digits and `_` (not starting with a digit) between
 * braces. Templates, bulk jobs, campaigns and scheduled messages fill them per recipient; `{name}`
 * and `{phone}` always have a value, others come from the recipient's own `vars`. A variable
 * without a value is left as written, so that text with braces of its own goes out unchanged.
 */
const VARIABLE = /\{([A-Za-z_][A-Za-z0-9_]{0,63})\}/g;

/** A variable's name, as `vars` keys must be spelled. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export type Vars = Readonly<Record<string, string>>;

/** The text with each variable that has a value filled in. */
export function fillVariables(text: string, vars: Vars): string {
  return text.replace(VARIABLE, (whole, key: string) => (Object.prototype.hasOwnProperty.call(vars, key) ? vars[key]! : whole));
}

/** The variables a text uses, each once, in order of first use. */
export function variablesOf(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1]!))];
}

/** What every recipient has: `{name}` (their name, or the number) and `{phone}`; their own `vars` may add to it and override it. */
export function recipientVars(phone: string, name: string | null, vars: Vars | null): Vars {
  return { name: name ?? phone, phone, ...vars };
}

/** Variables as a client may give them (numbers and booleans too), as strings. */
export function toVars(input: Readonly<Record<string, string | number | boolean>> | undefined | null): Vars | null {
  if (!input) return null;
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, String(v)]));
}

/** A recipient's `vars` as stored (JSON), or null when there are none. */
export function storedVars(vars: Vars | undefined | null): string | null {
  return vars && Object.keys(vars).length > 0 ? JSON.stringify(vars) : null;
}

/** Stored `vars` back to an object (null when none, or when the JSON is not an object of strings). */
export function parseVars(json: string | null): Vars | null {
  if (!json) return null;
  try {
    const v: unknown = JSON.parse(json);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    return Object.fromEntries(Object.entries(v).filter(([, value]) => typeof value === 'string')) as Vars;
  } catch {
    return null;
  }
}
