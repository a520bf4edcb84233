import { describe, expect, it } from 'vitest';
import { emulatorAudioArgs, emulatorRenderArgs } from './render-args.ts';

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

describe('emulatorAudioArgs', () => {
  it('MP3: LAME, mono, one expression; WAV: 16-bit PCM with one channel per expression', () => {
    const mp3 = emulatorAudioArgs({ outFile: 'a.mp3', format: 'mp3', durationSec: 30, sampleRate: 16000, channelExprs: ['0'] });
    expect(mp3.slice(mp3.indexOf('-c:a'), mp3.indexOf('-c:a') + 8)).toEqual(['-c:a', 'libmp3lame', '-b:a', '32k', '-ac', '1', '-ar', '16000']);
    const wav = emulatorAudioArgs({ outFile: 'a.wav', format: 'wav', durationSec: 1.5, sampleRate: 16000, channelExprs: ['sin(t)', '0', 'cos(t)'] });
    expect(wav[wav.indexOf('-c:a') + 1]).toBe('pcm_s16le');
    expect(wav[wav.indexOf('-ac') + 1]).toBe('3');
    expect(wav[wav.indexOf('-i') + 1]).toBe("aevalsrc='sin(t)|0|cos(t)':s=16000:d=1.5");
    expect(wav.slice(-3)).toEqual(['-f', 'wav', 'a.wav']);
    expect(() => emulatorAudioArgs({ outFile: 'b.mp3', format: 'mp3', durationSec: 1, sampleRate: 16000, channelExprs: ['0', '0'] })).toThrow();
  });
});
