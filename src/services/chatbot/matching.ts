import { setFlagsFromString } from 'node:v8';

// V8's linear-time regular expression engine (the `l` flag): a pattern runs in time linear in the
// input, so no rule can stall the server with catastrophic backtracking. Patterns it cannot run
// that way (backreferences, lookaround) are refused when the rule is saved.
setFlagsFromString('--enable-experimental-regexp-engine');

export type MatchType = 'exact' | 'contains' | 'startswith' | 'regex';
export const MATCH_TYPES: readonly MatchType[] = ['exact', 'contains', 'startswith', 'regex'];

/** The start of a message the chatbot looks at: a rule decides on what a person writes first. */
export const MAX_TEXT = 1024;

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
    const bound = largeBound(pattern);
    if (bound) {
      throw new PatternError(`repetition counts above 16 (${bound}) cannot run in linear time; use + or * (or a count of at most 16) instead`);
    }
    throw new PatternError(
      'this regex cannot run in linear time (backreferences and lookaround are not supported); rewrite it without them',
    );
  }
}

/** The first `{n}`, `{n,}` or `{n,m}` with a count above 16 (the linear-time engine's limit), if any. */
function largeBound(pattern: string): string | null {
  for (const m of pattern.matchAll(/(?<!\\)\{(\d+)(?:,(\d*))?\}/g)) {
    if (Number(m[1]) > 16 || (m[2] !== undefined && m[2] !== '' && Number(m[2]) > 16)) return m[0];
  }
  return null;
}

export interface MatchableRule {
  match_type: string;
  trigger_text: string;
}

/** A message text as rules see it: its first MAX_TEXT characters, folded. Fold once, match many. */
export function matchableText(text: string): string {
  return fold(text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text);
}

/** Whether a rule matches a message text (both folded; a regex tests the folded text). */
export function matches(rule: MatchableRule, text: string, compiled?: RegExp): boolean {
  return matchesFolded(rule, matchableText(text), compiled);
}

/** matches() on a text already through matchableText(), with the rule's trigger folded beforehand when given. */
export function matchesFolded(rule: MatchableRule, t: string, compiled?: RegExp, foldedTrigger?: string): boolean {
  const trigger = foldedTrigger ?? (rule.match_type === 'regex' ? '' : fold(rule.trigger_text));
  switch (rule.match_type) {
    case 'exact':
      return t === trigger;
    case 'contains':
      return t.includes(trigger);
    case 'startswith':
      return t.startsWith(trigger);
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
