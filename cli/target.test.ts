import { describe, expect, it } from 'vitest';
import { parseTargetUrl, publicUrl, secretsInUrl } from './target.ts';

describe('target URL', () => {
  it('shows the URL without userinfo, query or fragment', () => {
    const url = parseTargetUrl('wss://user:p%40ss@arcp.example.com:8443/v1?token=abc&x=1#frag');
    expect(publicUrl(url)).toBe('wss://arcp.example.com:8443/v1');
    expect(secretsInUrl(url)).toEqual(['user', 'p@ss', 'abc', '1']);
  });

  it('accepts only ws and wss, without echoing the rest of the URL', () => {
    expect(() => parseTargetUrl('http://host/x?token=abc')).toThrow('--url must use ws:// or wss:// (got http://host)');
    expect(() => parseTargetUrl('not a url')).toThrow('--url is not a valid URL');
  });
});
