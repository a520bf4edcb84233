#!/bin/sh
# Installs the media tools the tests use besides the embedded ffmpeg, unless they are there:
# Debian's ffmpeg/ffprobe (the container image's ffmpeg; the sync and corpus tests run with it too,
# and ffprobe measures the corpus) and GStreamer with the elements the corpus is made with
# (fixtures/corpus: qtdemux/mp4mux/matroskademux from -good, x264enc from -ugly, avenc_aac from libav).
set -eu
need=""
[ -x /usr/bin/ffmpeg ] && [ -x /usr/bin/ffprobe ] || need="$need ffmpeg"
[ -x /usr/bin/gst-launch-1.0 ] && [ -x /usr/bin/gst-inspect-1.0 ] || need="$need gstreamer1.0-tools"
has_element() { [ -x /usr/bin/gst-inspect-1.0 ] && /usr/bin/gst-inspect-1.0 --exists "$1"; }
has_element audioconvert && has_element videoconvert || need="$need gstreamer1.0-plugins-base"
has_element qtdemux && has_element mp4mux && has_element matroskademux || need="$need gstreamer1.0-plugins-good"
has_element x264enc || need="$need gstreamer1.0-plugins-ugly"
has_element avenc_aac || need="$need gstreamer1.0-libav"
if [ -z "$need" ]; then
  echo "install-media-tools: present: $(/usr/bin/ffmpeg -version | head -1); $(/usr/bin/gst-launch-1.0 --version | head -1)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-media-tools: not root and no sudo; install:$need" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-media-tools: installing$need"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need
/usr/bin/ffmpeg -version | head -1
for element in qtdemux mp4mux matroskademux x264enc avenc_aac audioconvert videoconvert; do
  /usr/bin/gst-inspect-1.0 --exists "$element" || { echo "install-media-tools: GStreamer element $element is still missing" >&2; exit 1; }
done
