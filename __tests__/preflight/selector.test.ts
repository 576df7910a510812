import { formatSelector, parseSelector } from '../../src/preflight/selector.js';

describe('preflight: plain PromQL selectors', () => {
  it('reads the metric and its matchers, escapes included', () => {
    expect(parseSelector('http_requests_total{namespace="shop",release="a\\"b",code=~"5.."}')).toEqual({
      metric: 'http_requests_total',
      matchers: [
        { label: 'namespace', op: '=', raw: 'shop' },
        { label: 'release', op: '=', raw: 'a\\"b' },
        { label: 'code', op: '=~', raw: '5..' }
      ]
    });
    expect(parseSelector('{__name__="up", job="x"}')).toEqual({
      metric: 'up',
      matchers: [{ label: 'job', op: '=', raw: 'x' }]
    });
  });

  it('says undefined for anything but a plain selector', () => {
    expect(parseSelector('sum(http_requests_total{release="x"})')).toBeUndefined();
    expect(parseSelector('a{b="c"} + d')).toBeUndefined();
    expect(parseSelector('a{b=c}')).toBeUndefined();
  });

  it('writes a selector back', () => {
    const s = parseSelector('m{a="1", b!~"x"}')!;
    expect(formatSelector(s)).toBe('m{a="1",b!~"x"}');
  });
});
