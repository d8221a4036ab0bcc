import { describe, expect, it } from 'vitest';
import { Args, closest, stripPrefix, tokenize } from '../../src/chat/parser.ts';

describe('command parsing', () => {
  it('keeps quoted phrases whole, in ASCII and Chinese quotes', () => {
    expect(tokenize('touch Acme call "discussed the renewal" next=“send quote”')).toEqual(['touch', 'Acme', 'call', 'discussed the renewal', 'next=send quote']);
    expect(tokenize('反馈　「华东制造」 5')).toEqual(['反馈', '华东制造', '5']);
  });

  it('treats an unclosed quote as running to the end', () => {
    expect(tokenize('touch "Acme Corp')).toEqual(['touch', 'Acme Corp']);
  });

  it('strips an optional /kam prefix', () => {
    expect(stripPrefix('/kam help')).toBe('help');
    expect(stripPrefix('KAM help')).toBe('help');
    expect(stripPrefix('kamala')).toBe('kamala');
  });

  it('takes options, flags and mentions out of the arguments', () => {
    const args = new Args(tokenize('run nudges <@m:12> --dry-run due=friday'));
    expect(args.takeFlag('--dry-run')).toBe(true);
    expect(args.takeOption('due')).toBe('friday');
    expect(args.takeMentions()).toEqual([12]);
    expect(args.rest()).toBe('run nudges');
  });

  it('suggests close names', () => {
    expect(closest('fedback', ['feedback', 'touch', 'report'])[0]).toBe('feedback');
    expect(closest('xyzzy', ['feedback', 'touch'])).toEqual([]);
  });
});
