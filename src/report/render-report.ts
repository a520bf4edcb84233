import { createHash } from 'node:crypto';
import { isAudioManifest, type ReportManifest as Manifest } from './report-manifest.ts';
import { layoutSpeechLanes, type SpeechLane } from './speech-lanes.ts';
import { html, jsonForScript, relativeUrl, trusted, type SafeHtml } from './escape.ts';
import { formatBytes, formatDuration, formatMediaTime, formatUtc, formatUtcTime, formatValue } from './format.ts';
import { REPORT_JS } from './report-client.ts';
import { REPORT_CSS } from './report-style.ts';
import { layoutTimeline, type TimelineLayout } from './timeline.ts';

export interface RenderReportInput {
  manifest: Manifest;
  /** Text of `thumbnails/thumbnails.vtt`, inlined because pages opened from file:// cannot fetch it. */
  thumbnailsVtt?: string | null;
}

export const REPORT_FILE = 'report.html';
const THUMBNAILS_DIR = 'thumbnails/';

const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The recording report: one self-contained page (inline CSS and JS, no network) that loads
 * `recording.mp4` and the thumbnails relative to itself. Pure: the same input gives the same page.
 */
export function renderReport({ manifest, thumbnailsVtt = null }: RenderReportInput): string {
  const layout = layoutTimeline(manifest);
  const lanes = layoutSpeechLanes(manifest, layout);
  const audio = isAudioManifest(manifest);
  const data = {
    startEpochMs: layout.startEpochMs,
    totalMs: layout.totalMs,
    mediaSpans: layout.mediaSpans,
    thumbnailsBase: THUMBNAILS_DIR,
    thumbnailsVtt,
  };
  const style = REPORT_CSS + positionRules(layout, lanes);
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(REPORT_JS)}`,
    `style-src ${cspHash(style)}`,
    "img-src 'self'",
    "media-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const passed = manifest.verification.passed;

  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<title>Recording ${manifest.callId}</title>
<style>${trusted(style)}</style>
</head>
<body>
<a class="skip" href="#player-section">Skip to the player</a>
<main>
<header>
<h1>Call recording <code>${manifest.callId}</code></h1>
<p>Verification: <span class="badge ${passed ? 'pass' : 'fail'}" id="verification-badge">${passed ? '✓ passed' : '✗ failed'}</span>
${manifest.warnings.length > 0 ? html` · <a href="#warnings">${manifest.warnings.length} warning${manifest.warnings.length === 1 ? '' : 's'}</a>` : ''}</p>
${summary(manifest)}
</header>
${warnings(manifest.warnings)}
${player(manifest)}
${audio ? waveform(manifest) : ''}
${timeline(manifest, layout, lanes)}
${verification(manifest)}
${audio ? '' : contactSheet(manifest)}
</main>
<script type="application/json" id="report-data">${trusted(jsonForScript(data))}</script>
<script>${trusted(REPORT_JS)}</script>
</body>
</html>
`;
  return page.value;
}

/** Bar positions as rules of the one stylesheet, so the CSP needs no inline style attributes. */
function positionRules(layout: TimelineLayout, lanes: SpeechLane[]): string {
  return [
    ...lanes.flatMap((lane) => lane.bars.map((b, i) => `#speech-${lane.channel}-${i}{left:${b.leftPct}%;width:max(${b.widthPct}%,2px)}`)),
    ...layout.chunks.map((c, i) => `#chunk-bar-${i}{left:${c.leftPct}%;width:${c.widthPct}%}`),
    ...layout.pauses.map((p, i) => `#pause-bar-${i}{left:${p.leftPct}%;width:max(${p.widthPct}%,3px)}`),
    ...layout.ticks.map((t, i) => `#tick-${i}{left:${t.leftPct}%}`),
  ].join('\n');
}

function summary(m: Manifest): SafeHtml {
  const { video, audio } = m.output;
  const items: [string, SafeHtml | string, string?][] = [
    ['Recording started', formatUtc(Date.parse(m.recordingStartTime))],
    ['Wall-clock duration', formatDuration(m.wallClockDurationMs)],
    ['Media duration', formatDuration(m.output.durationMs)],
    ['Video', video ? `${video.codec} ${video.width}×${video.height} @ ${video.frameRate} fps` : 'none (audio recording)'],
    ['Audio', `${audio.codec} ${audio.sampleRate} Hz, ${audio.channels} channel${audio.channels === 1 ? '' : 's'}`],
    ['Chunks · pauses · participants', `${m.chunks.length} · ${m.pauses.length} · ${m.participants.length}`],
    ['File', html`<a href="${relativeUrl(m.output.file) ?? ''}">${m.output.file}</a> (${formatBytes(m.output.sizeBytes)})`],
    ['SHA-256', html`<code>${m.output.sha256}</code>`, 'wide'],
    ['Resource', m.resourceId === null ? html`<span class="muted">not known</span>` : html`<code>${m.resourceId}</code>`],
  ];
  return html`<dl class="summary">${items.map(([term, value, wide]) => html`<div class="${wide ?? ''}"><dt>${term}</dt><dd>${value}</dd></div>`)}</dl>`;
}

function warnings(list: string[]): SafeHtml | '' {
  if (list.length === 0) return '';
  return html`<section class="warnings" id="warnings" aria-labelledby="warnings-title">
<h2 id="warnings-title"><span aria-hidden="true">⚠ </span>Warnings (${list.length})</h2>
<ul>${list.map((w) => html`<li>${w}</li>`)}</ul>
</section>`;
}

function player(m: Manifest): SafeHtml {
  const src = relativeUrl(m.output.file) ?? '';
  const media = isAudioManifest(m)
    ? html`<audio id="player" controls preload="metadata" src="${src}" aria-label="Recording of call ${m.callId}">
Your browser cannot play ${m.output.file}; <a href="${src}">download it</a>.
</audio>`
    : html`<video id="player" controls preload="metadata" playsinline src="${src}" aria-label="Recording of call ${m.callId}">
<track kind="metadata" label="Thumbnails" src="thumbnails/thumbnails.vtt">
Your browser cannot play ${m.output.file}; <a href="${src}">download it</a>.
</video>`;
  return html`<section id="player-section" aria-labelledby="player-title">
<h2 id="player-title">Player</h2>
<div class="player">
${media}
<div class="scrub">
<label for="scrubber" class="sr-only">Position in the recording (hover or move to preview)</label>
<input type="range" id="scrubber" min="0" max="${m.output.durationMs}" step="100" value="0">
<output id="position" for="scrubber">${formatMediaTime(0)} / ${formatMediaTime(m.output.durationMs)}</output>
<div class="preview" id="preview" hidden aria-hidden="true"><div class="preview-frame" id="preview-frame"><div class="preview-image" id="preview-image"></div></div><span class="preview-time" id="preview-time"></span></div>
</div>
<p class="sr-only" role="status" aria-live="polite" id="seek-status"></p>
</div>
</section>`;
}

function waveform(m: Manifest): SafeHtml | '' {
  const src = m.waveform ? relativeUrl(m.waveform) : null;
  if (!src) return '';
  const lanes = m.output.audio.channels === 1 ? 'one channel' : `one lane per channel (${m.output.audio.channels})`;
  return html`<section aria-labelledby="waveform-title">
<h2 id="waveform-title">Waveform</h2>
<figure class="waveform"><img id="waveform" src="${src}" alt="Waveform of ${m.output.file}: ${lanes}, pauses marked" decoding="async">
<figcaption class="muted">${m.output.file}, ${lanes}, ${formatDuration(m.output.durationMs)} of media from left to right; click to play from there</figcaption></figure>
</section>`;
}

function timeline(m: Manifest, layout: TimelineLayout, lanes: SpeechLane[]): SafeHtml {
  const at = (offsetMs: number) => formatUtcTime(layout.startEpochMs + offsetMs);
  const chunkText = (c: TimelineLayout['chunks'][number]) =>
    `Chunk ${c.index}: ${at(c.wallStartMs)} to ${at(c.wallEndMs)} UTC, media from ${formatMediaTime(c.mediaOffsetMs)}, end reason ${c.endReason ?? 'not given'}`;
  const pauseText = (p: TimelineLayout['pauses'][number]) =>
    `Paused ${at(p.wallStartMs)} to ${at(p.wallEndMs)} UTC (${formatDuration(p.wallEndMs - p.wallStartMs)}), media ${layout.pausesInMedia ? 'filled from' : 'jumps at'} ${formatMediaTime(p.mediaOffsetMs)}`;
  const events = [
    ...layout.chunks.map((c) => ({ at: c.wallStartMs, order: 0, item: html`<li class="chunk" data-kind="chunk" data-index="${c.index}">
<span class="what">Chunk ${c.index}</span> · ${at(c.wallStartMs)}–${at(c.wallEndMs)} UTC (${formatDuration(c.wallEndMs - c.wallStartMs)})
· media ${formatMediaTime(c.mediaOffsetMs)} · end reason: ${c.endReason ?? html`<span class="muted">not given</span>`}
<br><span class="muted">document</span> <code>${c.documentId}</code></li>` })),
    ...layout.pauses.map((p) => ({ at: p.wallStartMs, order: 1, item: html`<li class="pause" data-kind="pause">
<span class="what">Paused</span> · ${at(p.wallStartMs)}–${at(p.wallEndMs)} UTC (${formatDuration(p.wallEndMs - p.wallStartMs)})
· ${layout.pausesInMedia ? 'filled in the media from' : 'media jumps at'} ${formatMediaTime(p.mediaOffsetMs)}</li>` })),
  ].sort((a, b) => a.at - b.at || a.order - b.order);

  return html`<section aria-labelledby="timeline-title">
<h2 id="timeline-title">Timeline <span class="muted">(wall clock, UTC)</span></h2>
<div class="legend" aria-hidden="true"><span><span class="swatch chunk"></span>recorded chunk</span><span><span class="swatch pause"></span>paused</span><span>${formatUtc(layout.startEpochMs)} – ${formatUtc(layout.startEpochMs + layout.totalMs)}</span></div>
<div class="timeline" id="timeline" data-total-ms="${layout.totalMs}">
<div class="track" id="timeline-track">
${layout.chunks.map((c, i) => html`<button type="button" class="bar chunk" id="chunk-bar-${i}" data-index="${c.index}" data-seek-ms="${c.mediaOffsetMs}" data-seek-label="chunk ${c.index}" aria-label="${chunkText(c)}. Play from here." title="${chunkText(c)}">${c.index}</button>`)}
${layout.pauses.map((p, i) => html`<button type="button" class="bar pause" id="pause-bar-${i}" data-seek-ms="${p.mediaOffsetMs}" data-seek-label="after the pause" aria-label="${pauseText(p)}. Play from there." title="${pauseText(p)}"><span class="sr-only">pause</span></button>`)}
<div class="playhead" id="playhead" hidden></div>
</div>
<div class="axis" aria-hidden="true">${layout.ticks.map((t, i) => html`<span id="tick-${i}" class="${t.leftPct < 6 ? 'first' : t.leftPct > 94 ? 'last' : ''}">${formatUtcTime(t.epochMs)}</span>`)}</div>
${speechLanes(lanes, at)}
</div>
<ol class="events" aria-label="Chunks and pauses in order">${events.map((e) => e.item)}</ol>
<h3 id="participants-title">Participants (${m.participants.length})</h3>
${m.participants.length === 0 ? html`<p class="muted">No participants listed.</p>` : html`<ul class="participants" aria-labelledby="participants-title">${m.participants.map((p) => html`<li><code>${p.participantId}</code></li>`)}</ul>`}
</section>`;
}

/** Who spoke when: a lane per channel under the chunks, each stretch of speech a seek button. */
function speechLanes(lanes: SpeechLane[], at: (offsetMs: number) => string): SafeHtml | '' {
  if (lanes.length === 0) return '';
  const who = (lane: SpeechLane) => lane.participantId ?? `channel ${lane.channel} (participant not known)`;
  return html`<div class="lanes" id="speech-lanes" role="group" aria-labelledby="speech-title">
<h3 id="speech-title">Who spoke when <span class="muted">(voice activity per channel; arrow keys move within a lane)</span></h3>
${lanes.map((lane) => html`<div class="lane" data-channel="${lane.channel}">
<p class="lane-label" id="lane-label-${lane.channel}"><span class="swatch speech lane-${lane.channel % 5}" aria-hidden="true"></span>Channel ${lane.channel}: <code>${who(lane)}</code> <span class="muted">· ${formatDuration(lane.speechMs)} of speech</span></p>
<div class="lane-track" id="lane-track-${lane.channel}" role="toolbar" aria-orientation="horizontal" aria-labelledby="lane-label-${lane.channel}">
${lane.bars.length === 0 ? html`<span class="muted lane-empty">not heard</span>` : ''}${lane.bars.map((b, i) => {
    const text = `${who(lane)} speaks from ${formatMediaTime(b.mediaOffsetMs)} for ${formatDuration(b.mediaEndMs - b.mediaOffsetMs)} (${at(b.wallStartMs)} UTC)`;
    return html`<button type="button" class="bar speech lane-${lane.channel % 5}" id="speech-${lane.channel}-${i}" tabindex="${i === 0 ? 0 : -1}" data-channel="${lane.channel}" data-seek-ms="${b.mediaOffsetMs}" data-seek-label="${who(lane)} speaking" aria-label="${text}. Play from here." title="${text}"></button>`;
  })}
</div>
</div>`)}
</div>`;
}

function verification(m: Manifest): SafeHtml {
  const { checks, passed } = m.verification;
  return html`<section aria-labelledby="verification-title">
<h2 id="verification-title">Verification <span class="badge ${passed ? 'pass' : 'fail'}">${passed ? '✓ passed' : '✗ failed'}</span></h2>
<div class="table-wrap" tabindex="0" role="region" aria-labelledby="verification-title">
<table id="checks" role="table">
<caption>${checks.filter((c) => c.passed).length} of ${checks.length} checks passed</caption>
<thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">Check</th><th scope="col" role="columnheader">Expected</th><th scope="col" role="columnheader">Actual</th><th scope="col" role="columnheader">Result</th></tr></thead>
<tbody role="rowgroup">${checks.map((c) => html`<tr role="row" data-passed="${c.passed}"><th scope="row" role="rowheader">${c.name}</th><td role="cell" class="value" data-label="Expected"><code>${formatValue(c.expected)}</code></td><td role="cell" class="value" data-label="Actual"><code>${formatValue(c.actual)}</code></td><td role="cell" class="${c.passed ? 'pass' : 'fail'}" data-label="Result">${c.passed ? '✓ pass' : '✗ fail'}</td></tr>`)}</tbody>
</table>
</div>
</section>`;
}

function contactSheet(m: Manifest): SafeHtml {
  return html`<section aria-labelledby="thumbnails-title">
<h2 id="thumbnails-title">Thumbnails <span class="muted">(${m.thumbnails.length}; choose one to play from there)</span></h2>
${m.thumbnails.length === 0 ? html`<p class="muted">No thumbnails.</p>` : ''}
<ul class="sheet" id="sheet">${m.thumbnails.map((t) => {
    const src = relativeUrl(t.file);
    const [media, wall] = [formatMediaTime(t.mediaTimeMs), `${formatUtcTime(Date.parse(t.wallClockTime))} UTC`];
    const label = `${media} (${wall})`;
    return html`<li><button type="button" class="thumb" data-seek-ms="${t.mediaTimeMs}" data-seek-label="thumbnail ${label}" aria-label="Play from ${label}">
${src === null ? html`<span class="missing muted">image path refused</span>` : html`<img src="${src}" alt="" loading="lazy" decoding="async">`}
<span class="caption" aria-hidden="true"><b>${media}</b><span class="muted">${wall}</span></span></button></li>`;
  })}</ul>
</section>`;
}
