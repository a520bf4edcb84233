/** The report's stylesheet: light and dark by `prefers-color-scheme`, one column on phones. */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1d21; --muted: #4f565f; --panel: #f3f5f8; --line: #c9ced6;
  --accent: #1f5fbf; --on-accent: #ffffff; --focus: #b3261e;
  --pause: #8a5300; --pause-bg: #fbe6c2;
  --pass-fg: #17612a; --pass-bg: #e3f3e7; --fail-fg: #a1161b; --fail-bg: #fde8e8;
  --warn-fg: #3f2d00; --warn-bg: #fff1c4; --warn-edge: #a87400;
  --lane-0: #1f5fbf; --lane-1: #0f7a55; --lane-2: #9b2c8f; --lane-3: #a14a00; --lane-4: #4b4fb0;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #121418; --fg: #e9ebee; --muted: #aab1bb; --panel: #1d2128; --line: #3a414c;
    --accent: #7fb0ff; --on-accent: #0b1424; --focus: #ffb4a9;
    --pause: #f0b45a; --pause-bg: #3b2a0c;
    --pass-fg: #8fdc9e; --pass-bg: #12301b; --fail-fg: #ffadad; --fail-bg: #3d1517;
    --warn-fg: #ffe6a0; --warn-bg: #352900; --warn-edge: #e0a82e;
    --lane-0: #7fb0ff; --lane-1: #5fd3a4; --lane-2: #e79ae0; --lane-3: #f0b45a; --lane-4: #a9acff;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Consolas, monospace; font-size: .9em; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; z-index: 10; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .25rem 1.5rem; margin: 0; }
.summary div { display: flex; flex-direction: column; padding: .25rem 0; border-bottom: 1px solid var(--line); }
.summary dt { color: var(--muted); font-size: .85rem; }
.summary dd { margin: 0; overflow-wrap: anywhere; }
.summary .wide { grid-column: 1 / -1; }
.badge { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; font-weight: 600; }
.badge.pass, td.pass { color: var(--pass-fg); background: var(--pass-bg); }
.badge.fail, td.fail { color: var(--fail-fg); background: var(--fail-bg); }
.player video { display: block; width: 100%; aspect-ratio: 16 / 9; background: #000; border-radius: .25rem; }
.scrub { position: relative; display: flex; align-items: center; gap: .75rem; margin-top: .5rem; flex-wrap: wrap; }
.scrub input[type=range] { flex: 1 1 12rem; min-width: 0; accent-color: var(--accent); height: 2rem; margin: 0; }
.scrub output { font-variant-numeric: tabular-nums; white-space: nowrap; }
.preview { position: absolute; bottom: 2.5rem; transform: translateX(-50%); background: var(--panel); border: 1px solid var(--line); border-radius: .25rem; padding: .25rem; pointer-events: none; text-align: center; z-index: 5; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.preview[hidden] { display: none; }
.preview-frame { overflow: hidden; }
.preview-image { background-repeat: no-repeat; transform-origin: 0 0; }
.preview-time { display: block; font-size: .8rem; font-variant-numeric: tabular-nums; }
.timeline { position: relative; margin: .5rem 0 0; }
.track { position: relative; height: 3.5rem; background: var(--panel); border: 1px solid var(--line); border-radius: .25rem; }
.bar { position: absolute; top: .25rem; height: 1.75rem; border: 0; padding: 0; margin: 0; font: inherit; cursor: pointer; overflow: hidden; }
.bar.chunk { background: var(--accent); color: var(--on-accent); border-right: 2px solid var(--panel); font-weight: 600; font-size: .85rem; text-align: left; padding-left: .35rem; }
/* Pauses get their own lane under the chunks, so neither hides the other. */
.bar.pause { top: 2.2rem; height: 1rem; color: var(--pause); border: 2px solid var(--pause);
  background: repeating-linear-gradient(135deg, var(--pause-bg) 0 6px, transparent 6px 10px), var(--pause-bg); z-index: 2; }
.playhead { position: absolute; top: -.25rem; bottom: -.25rem; width: 3px; margin-left: -1px; background: var(--focus); z-index: 3; pointer-events: none; }
.playhead[hidden] { display: none; }
.axis { position: relative; height: 1.5rem; font-size: .75rem; color: var(--muted); font-variant-numeric: tabular-nums; }
.axis span { position: absolute; top: .2rem; transform: translateX(-50%); white-space: nowrap; }
.axis span.first { transform: none; }
.axis span.last { transform: translateX(-100%); }
.axis span.first::before { left: 0; }
.axis span.last::before { left: auto; right: 0; }
.axis span::before { content: ""; position: absolute; left: 50%; top: -.35rem; height: .3rem; border-left: 1px solid var(--muted); }
.player audio { display: block; width: 100%; }
.waveform { margin: 0; }
.waveform img { cursor: pointer; display: block; width: 100%; height: auto; max-height: 16rem; object-fit: fill; background: var(--panel); border: 1px solid var(--line); border-radius: .25rem; }
.waveform figcaption { font-size: .85rem; margin-top: .25rem; }
.lanes h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.lane-label { margin: .5rem 0 .2rem; font-size: .9rem; overflow-wrap: anywhere; }
.lane-track { position: relative; height: 1.6rem; background: var(--panel); border: 1px solid var(--line); border-radius: .25rem; }
.lane-empty { position: absolute; left: .5rem; top: .1rem; font-size: .85rem; }
.bar.speech { top: .2rem; height: 1.1rem; border-radius: 2px; }
.bar.speech:hover { filter: brightness(1.15); }
.lane-0 { background: var(--lane-0); } .lane-1 { background: var(--lane-1); } .lane-2 { background: var(--lane-2); }
.lane-3 { background: var(--lane-3); } .lane-4 { background: var(--lane-4); }
.swatch.speech { border-radius: 2px; }
.legend { display: flex; flex-wrap: wrap; gap: 1rem; font-size: .85rem; margin: .25rem 0; }
.swatch { display: inline-block; width: 1rem; height: .8rem; vertical-align: -.1rem; margin-right: .3rem; border: 2px solid transparent; }
.swatch.chunk { background: var(--accent); }
.swatch.pause { border-color: var(--pause); background: var(--pause-bg); }
.events { list-style: none; padding: 0; margin: .75rem 0 0; }
.events li { padding: .4rem .5rem; border-left: 4px solid var(--accent); margin: .25rem 0; background: var(--panel); }
.events li.pause { border-left-color: var(--pause); }
.events .what { font-weight: 600; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; color: var(--muted); padding-bottom: .25rem; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.value { overflow-wrap: anywhere; min-width: 7rem; }
td.pass, td.fail { font-weight: 600; white-space: nowrap; }
.warnings { background: var(--warn-bg); color: var(--warn-fg); border-left: 6px solid var(--warn-edge); padding: .5rem 1rem; border-radius: .25rem; margin: 1rem 0; }
.warnings h2 { margin: .25rem 0; font-size: 1.05rem; }
.warnings ul { margin: .25rem 0; padding-left: 1.25rem; }
.warnings li { overflow-wrap: anywhere; }
.participants { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; margin: 0; }
.participants li { background: var(--panel); border: 1px solid var(--line); border-radius: 1rem; padding: .1rem .75rem; overflow-wrap: anywhere; max-width: 100%; }
.sheet { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: .75rem; list-style: none; padding: 0; margin: 0; }
.thumb { display: block; width: 100%; padding: 0; border: 1px solid var(--line); border-radius: .25rem; background: var(--panel); color: var(--fg); font: inherit; cursor: pointer; text-align: left; overflow: hidden; }
.thumb:hover { border-color: var(--accent); }
.thumb img { display: block; width: 100%; height: auto; aspect-ratio: 16 / 9; object-fit: cover; background: #000; }
.thumb .caption { display: block; padding: .25rem .5rem; font-size: .85rem; font-variant-numeric: tabular-nums; }
.thumb .caption b { display: block; }
.thumb .missing { aspect-ratio: 16 / 9; display: flex; align-items: center; justify-content: center; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 600px) {
  main { padding: .75rem; }
  h1 { font-size: 1.25rem; }
  .sheet { grid-template-columns: repeat(2, 1fr); gap: .5rem; }
  /* Checks as cards: four columns do not fit a phone. */
  #checks thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  #checks, #checks caption, #checks tbody, #checks tr, #checks th, #checks td { display: block; }
  #checks tr { border: 1px solid var(--line); border-radius: .25rem; margin: .5rem 0; }
  #checks th, #checks td { border: 0; padding: .2rem .6rem; }
  #checks td { display: grid; grid-template-columns: 5.5rem 1fr; gap: .5rem; }
  #checks td::before { content: attr(data-label); color: var(--muted); font-weight: normal; }
  #checks td.pass, #checks td.fail { font-weight: 600; }
}
`;
