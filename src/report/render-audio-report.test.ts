import { describe, expect, it } from 'vitest';
import type { ReportManifest } from './report-manifest.ts';
import { renderReport } from './render-report.ts';
import { testManifest } from './test-manifest.ts';

const EVIL = `"'><script>window.__xss=1</script><img src=x onerror=alert(1)>`;
const countOf = (text: string, needle: string) => text.split(needle).length - 1;

function audioManifest(patch: (m: ReportManifest) => void = () => {}): ReportManifest {
  const base = testManifest();
  const m: ReportManifest = {
    ...base,
    output: { ...base.output, file: 'recording.wav', video: null, audio: { codec: 'pcm_s16le', sampleRate: 16000, channels: 2 } },
    thumbnails: [],
    waveform: 'waveform.png',
    channels: [
      { channel: 0, participantId: '8:acs:alice', file: 'channels/channel-0.wav', speechMs: 3000, speech: [{ mediaOffsetMs: 1000, durationMs: 1000 }, { mediaOffsetMs: 70_000, durationMs: 2000 }] },
      { channel: 1, participantId: null, file: 'channels/channel-1.wav', speechMs: 0, speech: [] },
    ],
  };
  patch(m);
  return m;
}

describe('renderReport for audio recordings', () => {
  const page = renderReport({ manifest: audioManifest() });

  it('plays the recording in an <audio> element and shows the waveform, without thumbnails', () => {
    expect(page).toContain('<audio id="player" controls preload="metadata" src="recording.wav"');
    expect(page).not.toContain('<video');
    expect(page).toContain('<img id="waveform" src="waveform.png"');
    expect(page).not.toContain('id="sheet"');
  });

  it('has one lane per channel and a seek button per speech span, placed by a stylesheet rule', () => {
    expect(countOf(page, 'class="lane"')).toBe(2);
    expect(countOf(page, 'class="bar speech')).toBe(2);
    expect(page).toContain('data-seek-ms="70000"');
    // chunk 1 starts at wall 60 s with media 60 s: media 70 s is at 70/120 of the timeline
    expect(page).toContain(`#speech-0-1{left:${Math.round((70 / 120) * 1e6) / 1e4}%`);
    expect(page).toContain('channel 1 (participant not known)');
    expect(page).toContain('not heard');
  });

  it('escapes participant ids and file names in lanes, player and waveform', () => {
    const hostile = renderReport({ manifest: audioManifest((m) => {
      m.channels![0]!.participantId = EVIL;
      m.waveform = `w.png"><script>x</script>`;
    }) });
    expect(countOf(hostile, '<script')).toBe(2);
    expect(hostile).not.toContain('<img src=x');
    expect(hostile).toContain('&lt;script&gt;window.__xss=1');
  });

  it('refuses a waveform path that leaves the output directory', () => {
    expect(renderReport({ manifest: audioManifest((m) => (m.waveform = '../../etc/passwd.png')) })).not.toContain('id="waveform"');
  });
});
