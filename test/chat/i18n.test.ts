import { describe, expect, it } from 'vitest';
import { createCapabilities } from '../../src/capabilities/index.ts';
import { Registry } from '../../src/chat/registry.ts';

let registry: Registry | undefined;
registry = new Registry(createCapabilities(() => registry!));
const { catalog } = registry;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('every message exists in English and 简体中文', () => {
  it('has the same keys in both languages', () => {
    const en = Object.keys(catalog.en);
    const zh = Object.keys(catalog['zh-CN']);
    expect(en.filter((k) => !(k in catalog['zh-CN']))).toEqual([]);
    expect(zh.filter((k) => !(k in catalog.en))).toEqual([]);
  });

  it('uses the same placeholders in both languages, so no value is dropped', () => {
    const mismatched = Object.keys(catalog.en).filter((k) =>
      JSON.stringify([...new Set(placeholders(catalog.en[k]!))]) !== JSON.stringify([...new Set(placeholders(catalog['zh-CN'][k] ?? ''))]));
    expect(mismatched).toEqual([]);
  });

  it('gives every command a Chinese name and help in both languages', () => {
    for (const command of registry!.commands) {
      expect(command.aliases.some((a) => /[\u4e00-\u9fff]/.test(a)), command.name).toBe(true);
      for (const part of ['summary', 'usage', 'examples']) {
        expect(catalog.en[`cmd.${command.name}.${part}`], `${command.name} ${part} (en)`).toBeTruthy();
        expect(catalog['zh-CN'][`cmd.${command.name}.${part}`], `${command.name} ${part} (zh-CN)`).toBeTruthy();
      }
    }
  });

  it('actually translates: Chinese texts are not English copies', () => {
    const copies = Object.keys(catalog.en).filter((k) => {
      const en = catalog.en[k]!;
      return en.length > 25 && /[a-z]{4,} [a-z]{4,}/i.test(en) && catalog['zh-CN'][k] === en && !/^`|usage|examples/.test(k);
    });
    expect(copies).toEqual([]);
  });
});
