/**
 * The report page's script, as text inlined into the page (no network, works from file://).
 * It reads its data from `#report-data`, parses the thumbnail WebVTT itself (browsers expose
 * no `xywh` sprite regions), and wires seeking: contact sheet, timeline, scrub bar.
 */
export const REPORT_JS = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var video = document.getElementById('player');
  var scrubber = document.getElementById('scrubber');
  var position = document.getElementById('position');
  var preview = document.getElementById('preview');
  var previewImage = document.getElementById('preview-image');
  var previewFrame = document.getElementById('preview-frame');
  var previewTime = document.getElementById('preview-time');
  var playhead = document.getElementById('playhead');
  var status = document.getElementById('seek-status');
  var cues = [];
  var PREVIEW_MAX_WIDTH = 192;

  function pad(n, width) { n = String(n); while (n.length < width) n = '0' + n; return n; }
  function mediaTime(ms) {
    ms = Math.max(0, Math.round(ms));
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 3600) + ':' + pad(Math.floor(s / 60) % 60, 2) + ':' + pad(s % 60, 2);
  }
  function wallTime(wallOffsetMs) {
    return new Date(data.startEpochMs + wallOffsetMs).toISOString().slice(11, 19) + ' UTC';
  }
  function mediaToWall(ms) {
    for (var i = 0; i < data.mediaSpans.length; i++) {
      var s = data.mediaSpans[i];
      var last = i === data.mediaSpans.length - 1;
      if (ms >= s.mediaStartMs && (ms < s.mediaEndMs || (last && ms <= s.mediaEndMs))) return s.wallStartMs + (ms - s.mediaStartMs);
    }
    return null;
  }

  // WebVTT cues of the form "sprite.jpg#xywh=x,y,w,h"; other payloads are ignored.
  function parseTimestamp(text) {
    var m = /^(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})$/.exec(text.trim());
    return m ? ((Number(m[1] || 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]) : null;
  }
  function parseVtt(text) {
    var found = [];
    var blocks = text.replace(/\r\n?/g, '\n').split(/\n{2,}/);
    for (var b = 0; b < blocks.length; b++) {
      var lines = blocks[b].split('\n');
      for (var i = 0; i < lines.length - 1; i++) {
        var times = lines[i].split('-->');
        if (times.length !== 2) continue;
        var start = parseTimestamp(times[0]);
        var end = parseTimestamp(times[1].trim().split(/\s+/)[0]);
        var payload = /^([A-Za-z0-9_-][A-Za-z0-9._-]*\.(?:jpe?g|png|webp))#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(lines[i + 1].trim());
        if (start === null || end === null || !payload) break;
        found.push({ startMs: start, endMs: end, image: data.thumbnailsBase + encodeURIComponent(payload[1]),
          x: +payload[2], y: +payload[3], w: +payload[4], h: +payload[5] });
        break;
      }
    }
    return found;
  }
  function cueAt(ms) {
    for (var i = 0; i < cues.length; i++) if (ms >= cues[i].startMs && ms < cues[i].endMs) return cues[i];
    return cues.length && ms >= cues[cues.length - 1].endMs ? cues[cues.length - 1] : null;
  }

  function showPreview(ms, xPx) {
    var cue = cueAt(ms);
    previewTime.textContent = mediaTime(ms);
    if (cue) {
      var scale = Math.min(1, PREVIEW_MAX_WIDTH / cue.w);
      previewFrame.style.width = Math.round(cue.w * scale) + 'px';
      previewFrame.style.height = Math.round(cue.h * scale) + 'px';
      previewImage.style.width = cue.w + 'px';
      previewImage.style.height = cue.h + 'px';
      previewImage.style.transform = 'scale(' + scale + ')';
      previewImage.style.backgroundImage = 'url("' + cue.image + '")';
      previewImage.style.backgroundPosition = (-cue.x) + 'px ' + (-cue.y) + 'px';
      previewFrame.hidden = false;
    } else {
      previewFrame.hidden = true;
    }
    var width = scrubber.parentNode.clientWidth;
    var half = (previewFrame.hidden ? 40 : Math.min(cue.w, PREVIEW_MAX_WIDTH) / 2 + 6);
    preview.style.left = Math.max(half, Math.min(width - half, xPx)) + 'px';
    preview.hidden = false;
    preview.setAttribute('data-media-ms', String(Math.round(ms)));
  }
  function hidePreview() { preview.hidden = true; }
  function thumbX(ms) {
    var max = Number(scrubber.max) || 1;
    return scrubber.offsetLeft + (ms / max) * scrubber.offsetWidth;
  }

  function render() {
    var ms = video.currentTime * 1000;
    if (!scrubber.matches(':active')) scrubber.value = String(Math.round(ms));
    var wall = mediaToWall(ms);
    var text = mediaTime(ms) + ' / ' + mediaTime(Number(scrubber.max));
    if (wall !== null) text += ' \u00b7 ' + wallTime(wall);
    position.textContent = text;
    scrubber.setAttribute('aria-valuetext', text);
    if (wall !== null && data.totalMs > 0) {
      playhead.style.left = (wall / data.totalMs) * 100 + '%';
      playhead.hidden = false;
    } else {
      playhead.hidden = true;
    }
  }
  function seekTo(ms, label) {
    video.currentTime = ms / 1000;
    render();
    status.textContent = 'Player moved to ' + mediaTime(ms) + (label ? ' (' + label + ')' : '');
  }

  document.addEventListener('click', function (event) {
    var target = event.target.closest ? event.target.closest('[data-seek-ms]') : null;
    if (!target) return;
    seekTo(Number(target.getAttribute('data-seek-ms')), target.getAttribute('data-seek-label'));
  });
  scrubber.addEventListener('input', function () { seekTo(Number(scrubber.value)); showPreview(Number(scrubber.value), thumbX(Number(scrubber.value))); });
  scrubber.addEventListener('pointermove', function (event) {
    var rect = scrubber.getBoundingClientRect();
    var share = Math.max(0, Math.min(1, (event.clientX - rect.left) / rect.width));
    showPreview(share * Number(scrubber.max), scrubber.offsetLeft + share * rect.width);
  });
  scrubber.addEventListener('pointerleave', hidePreview);
  scrubber.addEventListener('blur', hidePreview);
  document.addEventListener('keydown', function (event) { if (event.key === 'Escape') hidePreview(); });
  video.addEventListener('timeupdate', render);
  video.addEventListener('seeked', render);
  video.addEventListener('loadedmetadata', function () {
    if (isFinite(video.duration) && video.duration > 0) scrubber.max = String(Math.round(video.duration * 1000));
    render();
  });

  if (data.thumbnailsVtt) {
    cues = parseVtt(data.thumbnailsVtt);
  } else if (location.protocol !== 'file:' && window.fetch) {
    fetch(data.thumbnailsBase + 'thumbnails.vtt').then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (text) { cues = parseVtt(text); }, function () {});
  }
  // The waveform's columns run over the media, left to right: a click seeks there (keyboard: the scrub bar).
  var waveform = document.getElementById('waveform');
  if (waveform) waveform.addEventListener('click', function (event) {
    var rect = waveform.getBoundingClientRect();
    var share = Math.max(0, Math.min(1, (event.clientX - rect.left) / rect.width));
    seekTo(share * Number(scrubber.max), 'waveform');
  });
  // Speech lanes can hold thousands of bars: one Tab stop per lane, arrows move within it.
  var lanes = document.querySelectorAll('.lane-track');
  for (var l = 0; l < lanes.length; l++) {
    lanes[l].addEventListener('keydown', function (event) {
      var bars = Array.prototype.slice.call(this.querySelectorAll('.bar.speech'));
      var at = bars.indexOf(document.activeElement);
      if (at < 0) return;
      var to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: bars.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      to = Math.max(0, Math.min(bars.length - 1, to));
      bars[at].tabIndex = -1;
      bars[to].tabIndex = 0;
      bars[to].focus();
    });
  }
  window.acsrecReport = { parseVtt: parseVtt, cues: function () { return cues; }, mediaToWall: mediaToWall };
  render();
})();
`;
