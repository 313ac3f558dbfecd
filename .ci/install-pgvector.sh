#!/usr/bin/env bash
# Build and install pgvector for Debian 12's PostgreSQL 15.
#
# Why: bookworm has no pgvector binary package, but Debian trixie carries the
# pgvector *source* package, which builds cleanly against PostgreSQL 15.
# We fetch that source through a private apt configuration so the machine's
# own apt sources are never changed.
#
# Usage (as root, or with sudo available): bash .ci/install-pgvector.sh
set -euo pipefail

PG_MAJOR=15
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
CONTROL=/usr/share/postgresql/$PG_MAJOR/extension/vector.control
SYSTEM_SOURCES=/etc/apt/sources.list.d/debian.sources

log() { echo "[install-pgvector] $*"; }

if [[ -f $CONTROL ]]; then
  log "pgvector already installed ($CONTROL); nothing to do"
  exit 0
fi

# apt and `make install` write to system paths.
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { log "must run as root (or have sudo)"; exit 1; }
  SUDO=sudo
fi

# Build prerequisites; installed only when missing so a warm machine is fast.
missing=()
[[ -x $PG_CONFIG ]] || missing+=("postgresql-server-dev-$PG_MAJOR")
command -v make >/dev/null || missing+=(make)
command -v gcc >/dev/null || missing+=(gcc)
if ((${#missing[@]})); then
  log "installing build prerequisites: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Reuse the Debian mirror this machine is already configured with (first
# non-security URI of a deb822 stanza, else of a one-line sources.list), so no
# host name is ever written into the repository.
mirror=""
if [[ -f $SYSTEM_SOURCES ]]; then
  mirror=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$SYSTEM_SOURCES")
fi
if [[ -z $mirror && -f /etc/apt/sources.list ]]; then
  mirror=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' /etc/apt/sources.list)
fi
if [[ -z $mirror ]]; then
  log "could not find a Debian mirror URI in $SYSTEM_SOURCES or /etc/apt/sources.list"
  exit 1
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

work=$(mktemp -d /tmp/prodgy-pgvector-XXXXXX)
trap '$SUDO rm -rf "$work"' EXIT
# apt downloads as the unprivileged _apt user; it must be able to enter these dirs.
chmod 755 "$work"
mkdir -p "$work/lists/partial" "$work/src"
# `apt-get source` also downloads as _apt into the current directory.
if id _apt >/dev/null 2>&1; then $SUDO chown _apt "$work/src"; fi

echo "deb-src [signed-by=$keyring] $mirror trixie main" >"$work/sources.list"

# Private apt config: only our deb-src line, our own lists dir, and no binary
# caches (so the system's pkgcache.bin is not rebuilt from our lists).
apt_private=(
  -o "Dir::Etc::sourcelist=$work/sources.list"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
)

log "fetching trixie source index (private apt config)"
$SUDO apt-get "${apt_private[@]}" update

log "downloading pgvector source package"
(cd "$work/src" && $SUDO apt-get "${apt_private[@]}" source --download-only pgvector)

tarball=$(find "$work/src" -maxdepth 1 -name 'pgvector_*.orig.tar.*' | head -n1)
[[ -n $tarball ]] || { log "no pgvector_*.orig.tar.* was downloaded"; exit 1; }
log "building $(basename "$tarball") against $($PG_CONFIG --version)"
$SUDO tar -xf "$tarball" -C "$work/src"
srcdir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'pgvector*' | head -n1)

# OPTFLAGS="" drops -march=native so the build runs on any x86-64 machine.
$SUDO make -C "$srcdir" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" -j"$(nproc)"
$SUDO make -C "$srcdir" PG_CONFIG="$PG_CONFIG" install

[[ -f $CONTROL ]] || { log "install finished but $CONTROL is missing"; exit 1; }
log "installed: $(grep default_version "$CONTROL")"
