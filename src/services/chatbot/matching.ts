import { setFlagsFromString } from 'node:v8';

// V8's linear-time regular expression engine (the `l` flag): a pattern runs in time linear in the
// input, so no rule can stall the server with catastrophic backtracking. Patterns it cannot run
// that way (backreferences, lookaround) are refused when the rule is saved.
setFlagsFromString('--enable-experimental-regexp-engine');

export type MatchType = 'exact' | 'contains' | 'startswith' | 'regex';
export const MATCH_TYPES: readonly MatchType[] = ['exact', 'contains', 'startswith', 'regex'];

/** Longest message text the chatbot looks at. */
const MAX_TEXT = 4096;

/**
 * Case folding for matching that works for Turkish and English alike: lower case, with dotless ı
 * and dotted İ both folded to i, and surrounding spaces trimmed.
 */
export function fold(text: string): string {
  return foldCase(text.trim());
}

function foldCase(text: string): string {
  return text.toLowerCase().replace(/\u0307/g, '').replace(/ı/g, 'i');
}

/**
 * A pattern folded like the text: letters lowered, except the one after a backslash (`\D`, `\S`,
 * `\W`, `\B` mean something else lowered) and the names in `\p{...}`.
 */
function foldPattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      const next = pattern[i + 1]!;
      out += ch + next;
      i++;
      if ((next === 'p' || next === 'P') && pattern[i + 1] === '{') {
        const end = pattern.indexOf('}', i + 1);
        if (end > 0) {
          out += pattern.slice(i + 1, end + 1);
          i = end;
        }
      }
      continue;
    }
    out += foldCase(ch);
  }
  return out;
}

export class PatternError extends Error {}

/** Compiles a regex rule for the linear-time engine; throws PatternError saying why it cannot be used. */
export function compilePattern(pattern: string): RegExp {
  if (pattern.length > 500) throw new PatternError('a regex may be at most 500 characters');
  try {
    new RegExp(pattern);
  } catch (err) {
    throw new PatternError(`invalid regex: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  try {
    return new RegExp(foldPattern(pattern), 'l');
  } catch {
    throw new PatternError(
      'this regex cannot run in linear time (backreferences and lookaround are not supported); rewrite it without them',
    );
  }
}

export interface MatchableRule {
  match_type: string;
  trigger_text: string;
}

/** Whether a rule matches a message text (both folded; a regex tests the folded text). */
export function matches(rule: MatchableRule, text: string, compiled?: RegExp): boolean {
  const t = fold(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text);
  switch (rule.match_type) {
    case 'exact':
      return t === fold(rule.trigger_text);
    case 'contains':
      return t.includes(fold(rule.trigger_text));
    case 'startswith':
      return t.startsWith(fold(rule.trigger_text));
    case 'regex':
      return (compiled ?? compilePattern(rule.trigger_text)).test(t);
    default:
      return false;
  }
}

/** `{name}`, `{phone}`, `{time}` filled in. */
export function fillTemplate(template: string, vars: { name: string; phone: string; time: string }): string {
  return template.replace(/\{(name|phone|time)\}/g, (_m, key: 'name' | 'phone' | 'time') => vars[key]);
}
