// Command errors: what the engine rejects with, and how the UI reads it. The engine's
// message is Bahasa Indonesia first and English after " / "; the UI shows the half in the
// chosen language and puts it next to the field the engine named.

import type { CommandError, Language } from './types';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Turns whatever a rejected `invoke` gave into a {@link CommandError}. */
export function toCommandError(raw: unknown): CommandError {
  if (isRecord(raw) && typeof raw['code'] === 'string' && typeof raw['message'] === 'string') {
    const err: CommandError = { code: raw['code'], message: raw['message'] };
    if (typeof raw['field'] === 'string' && raw['field'] !== '') err.field = raw['field'];
    return err;
  }
  if (typeof raw === 'string') {
    // A plain string from a Rust `Result<_, String>`: try it as JSON first.
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isRecord(parsed)) return toCommandError(parsed);
    } catch {
      // not JSON; fall through
    }
    return { code: 'internal', message: raw };
  }
  if (raw instanceof Error) return { code: 'internal', message: raw.message };
  return { code: 'internal', message: String(raw) };
}

export function isCommandError(v: unknown): v is CommandError {
  return isRecord(v) && typeof v['code'] === 'string' && typeof v['message'] === 'string';
}

/** The half of a bilingual engine message for `lang`. */
export function messageIn(message: string, lang: Language): string {
  const parts = message.split(' / ');
  if (parts.length < 2) return message;
  const id = parts[0] ?? message;
  const en = parts.slice(1).join(' / ');
  return lang === 'en' ? en : id;
}

/** Errors keyed by field, for forms: the field's name, or `_` for the form as a whole. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(err: unknown, lang: Language, fields: readonly string[]): FieldErrors {
  const e = toCommandError(err);
  const key = e.field && fields.includes(e.field) ? e.field : '_';
  return { [key]: messageIn(e.message, lang) };
}
