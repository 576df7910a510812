import { escapePromqlString, renderQuery } from '../../src/metrics/promql.js';

describe('escapePromqlString', () => {
  it('escapes backslash, double quote, newline and carriage return', () => {
    expect(escapePromqlString('a\\b"c\nd\re')).toBe('a\\\\b\\"c\\nd\\re');
  });

  it('leaves ordinary release names alone', () => {
    expect(escapePromqlString('storefront-canary.v2')).toBe('storefront-canary.v2');
  });
});

describe('renderQuery', () => {
  const template = 'http_requests_total{namespace="{{namespace}}",release="{{release}}"}';

  it('substitutes release and namespace everywhere they appear', () => {
    expect(renderQuery(`${template} + on() x{r="{{release}}"}`, { release: 'sf', namespace: 'shop' })).toBe(
      'http_requests_total{namespace="shop",release="sf"} + on() x{r="sf"}'
    );
  });

  it('cannot be broken out of the string literal', () => {
    const rendered = renderQuery(template, { release: 'x"} or vector(1) or {a="', namespace: 'shop' });
    expect(rendered).toBe('http_requests_total{namespace="shop",release="x\\"} or vector(1) or {a=\\""}');
  });

  it('names an unknown placeholder', () => {
    expect(() => renderQuery('up{job="{{job}}"}', { release: 'sf', namespace: 'shop' })).toThrow(
      'unknown placeholder {{job}}; expected one of {{release}}, {{namespace}}, {{pods}},'
    );
  });
});
