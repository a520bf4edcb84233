/** What an archived unmixed recording of three participants holds, with each blob's content type. */
export const UNMIXED_THREE_CHANNEL_ARCHIVE = {
  'channels/channel-0.wav': 'audio/wav',
  'channels/channel-1.wav': 'audio/wav',
  'channels/channel-2.wav': 'audio/wav',
  'manifest.json': 'application/json',
  'recording.wav': 'audio/wav',
  'report.html': 'text/html; charset=utf-8',
  'waveform.png': 'image/png',
};
