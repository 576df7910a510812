import { lastLines } from '../../sandbox/node-agent/kubelet-api.js';

describe('lastLines (kubectl logs --tail)', () => {
  it('keeps the last n lines and the final newline', () => {
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc\n');
    expect(lastLines('a\nb\nc', 2)).toBe('b\nc');
    expect(lastLines('a\n', 5)).toBe('a\n');
    expect(lastLines('a\nb\n', 0)).toBe('');
  });
});
