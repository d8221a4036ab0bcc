import type { Locale } from '../../../db/schema/members.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type { Locale };
export type Params = Record<string, string | number>;
/** Looks up a message by key in one locale and fills `{name}` placeholders. */
export type Translator = (key: string, params?: Params) => string;

/** Messages of one module in both locales. Every key must exist in both (a test checks). */
export interface MessageCatalog {
  en: Record<string, string>;
  'zh-CN': Record<string, string>;
}

export const CORE_MESSAGES: MessageCatalog = { en, 'zh-CN': zhCN };

/** Merges module catalogs; a key defined twice is a programming error. */
export function mergeCatalogs(catalogs: MessageCatalog[]): MessageCatalog {
  const merged: MessageCatalog = { en: {}, 'zh-CN': {} };
  for (const catalog of catalogs) {
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const [key, value] of Object.entries(catalog[locale])) {
        if (key in merged[locale]) throw new Error(`i18n key defined twice: ${key}`);
        merged[locale][key] = value;
      }
    }
  }
  return merged;
}

/** Builds a translator; a missing key falls back to English, then to the key itself. */
export function createTranslator(catalog: MessageCatalog, locale: Locale): Translator {
  const primary = catalog[locale];
  const fallback = catalog.en;
  return (key, params) => {
    const template = primary[key] ?? fallback[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

/** Normalises a platform or user-typed locale to one we support. */
export function normaliseLocale(input: string | undefined | null): Locale | null {
  if (!input) return null;
  const v = input.trim().toLowerCase().replace('_', '-');
  if (['zh', 'zh-cn', 'zh-hans', 'zh-sg', 'cn', 'chinese', '中文', '简体中文', '汉语'].includes(v)) return 'zh-CN';
  if (v === 'en' || v.startsWith('en-') || v === 'english' || v === '英文' || v === '英语') return 'en';
  return null;
}
