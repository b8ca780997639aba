// The text catalogue: every string the cashier reads comes from here, Bahasa Indonesia
// first (the default) and English second. `id` is the source of truth for keys; `en` is
// typed against it, so a key missing in English does not compile.

import { id } from './i18n/id';
import { en } from './i18n/en';
import type { Language } from './types';

export type MessageKey = keyof typeof id;
export type Params = Readonly<Record<string, string | number>>;

export const CATALOGUES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = {
  id,
  en,
};

export const LANGUAGES: readonly Language[] = ['id', 'en'];
export const DEFAULT_LANGUAGE: Language = 'id';

/** The `{name}` placeholders of a message, sorted. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

export function translate(lang: Language, key: MessageKey, params?: Params): string {
  const text = CATALOGUES[lang][key] ?? CATALOGUES[DEFAULT_LANGUAGE][key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}
