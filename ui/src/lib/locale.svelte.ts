// The language in use. Components call `t(key)` in their markup; because it reads
// `locale.lang`, switching the language in Pengaturan re-renders every text at once.

import { fieldErrors, messageIn, toCommandError, type FieldErrors } from './errors';
import { DEFAULT_LANGUAGE, translate, type MessageKey, type Params } from './i18n';
import type { Language } from './types';

export const locale = $state<{ lang: Language }>({ lang: DEFAULT_LANGUAGE });

export function setLanguage(lang: Language): void {
  locale.lang = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export function t(key: MessageKey, params?: Params): string {
  return translate(locale.lang, key, params);
}

/** An engine error's message in the language in use. */
export function errText(e: unknown): string {
  return messageIn(toCommandError(e).message, locale.lang);
}

/** Engine errors keyed by the form field they name (`_` for the form as a whole). */
export function errFields(e: unknown, fields: readonly string[]): FieldErrors {
  return fieldErrors(e, locale.lang, fields);
}

/** Why a product cannot be sold now: the engine's reason, or a general one when it gave none. */
export function unavailableText(reason: string | null | undefined): string {
  return messageIn(reason ?? t('jual.unavailable'), locale.lang);
}
