import { describe, expect, it } from 'vitest';
import { emulatorRenderArgs } from './render-args.ts';

describe('emulatorRenderArgs', () => {
  it('keeps the profile and markers, and only trades preset and threads for speed', () => {
    const args = emulatorRenderArgs({ outFile: 'out.mp4', durationSec: 12.5, frameRate: 16, markersSec: [0, 3.25] });
    expect(args[args.indexOf('-preset') + 1]).toBe('ultrafast');
    expect(args[args.indexOf('-threads') + 1]).toBe('0');
    expect(args[args.indexOf('-ar') + 1]).toBe('16000');
    expect(args[args.indexOf('-t') + 1]).toBe('12.5');
    expect(args.join(' ')).toContain('s=1920x1080:r=16');
    expect(args.join(' ')).toContain('between(t,3.250000');
    expect(args.at(-1)).toBe('out.mp4');
  });
});
