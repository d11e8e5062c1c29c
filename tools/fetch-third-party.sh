#!/bin/sh
# Fetch, verify and unpack the third-party sources kinetrack builds against.
#
#   tools/fetch-third-party.sh
#
# Sources are the Debian trixie orig tarballs (xnnpack, pthreadpool, fp16,
# fxdiv, cjson). They are downloaded with `apt-get source --download-only`
# using a private apt state directory (the system apt configuration is not
# touched), into third_party/dl/, then every tarball is checked against the
# pinned sha256 in third_party/SHA256SUMS and unpacked into
# third_party/src/<name>/ (top directory stripped). A stamp file per package
# makes re-runs no-ops.
#
# Environment:
#   KT_THIRD_PARTY_CACHE  optional directory holding already-downloaded
#                         tarballs; they are copied instead of downloaded
#                         (still sha256-checked).
#   KT_DEBIAN_MIRROR      default http://deb.debian.org/debian
set -eu

ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
TP="$ROOT/third_party"
DL="$TP/dl"
SRC="$TP/src"
SUMS="$TP/SHA256SUMS"
MIRROR="${KT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES="xnnpack pthreadpool fp16 fxdiv cjson"

die() { echo "fetch-third-party: error: $*" >&2; exit 1; }
log() { echo "fetch-third-party: $*"; }

[ -f "$SUMS" ] || die "missing $SUMS"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found"
mkdir -p "$DL" "$SRC"

# file name of the orig tarball for a package, from SHA256SUMS
tarball_of() {
  awk -v p="$1" '{ f=$2; sub(/^\*/, "", f); split(f, a, "_"); if (a[1] == p) { print f; exit } }' "$SUMS"
}
sum_of() {
  awk -v f="$1" '{ g=$2; sub(/^\*/, "", g); if (g == f) { print $1; exit } }' "$SUMS"
}

# 1. Collect missing tarballs.
missing=""
for p in $PACKAGES; do
  f=$(tarball_of "$p")
  [ -n "$f" ] || die "no entry for package '$p' in $SUMS"
  if [ ! -f "$DL/$f" ] && [ -n "${KT_THIRD_PARTY_CACHE:-}" ] && [ -f "$KT_THIRD_PARTY_CACHE/$f" ]; then
    log "copying $f from $KT_THIRD_PARTY_CACHE"
    cp "$KT_THIRD_PARTY_CACHE/$f" "$DL/$f.tmp" && mv "$DL/$f.tmp" "$DL/$f"
  fi
  [ -f "$DL/$f" ] || missing="$missing $p"
done

# 2. Download what is missing (Debian source packages, private apt state).
if [ -n "$missing" ]; then
  command -v apt-get >/dev/null 2>&1 || die "apt-get not available to download:$missing"
  KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$KEYRING" ] || die "$KEYRING missing (install debian-archive-keyring)"
  APTD="$DL/.apt"
  mkdir -p "$APTD/lists/partial" "$APTD/cache/archives/partial"
  echo "deb-src [signed-by=$KEYRING] $MIRROR trixie main" > "$APTD/sources.list"
  set -- -o "Dir::Etc::SourceList=$APTD/sources.list" \
         -o "Dir::Etc::SourceParts=/dev/null" \
         -o "Dir::State::Lists=$APTD/lists" \
         -o "Dir::Cache=$APTD/cache" \
         -o "APT::Default-Release=trixie"
  log "downloading:$missing"
  apt-get "$@" -q update || die "apt-get update failed (network?)"
  # Some .dsc/.debian.tar.xz files may 404; only the orig tarballs matter,
  # so ignore apt's exit status and check the tarballs below.
  # shellcheck disable=SC2086
  (cd "$DL" && apt-get "$@" -q source --download-only $missing) || \
    log "apt-get source exited non-zero (ignored; orig tarballs are checked next)"
fi

# 3. Verify every tarball.
for p in $PACKAGES; do
  f=$(tarball_of "$p")
  [ -f "$DL/$f" ] || die "download of '$f' failed: not in $DL"
  want=$(sum_of "$f")
  got=$(sha256sum "$DL/$f" | awk '{print $1}')
  if [ "$got" != "$want" ]; then
    die "sha256 mismatch for $f
  expected $want
  got      $got
  (delete $DL/$f and re-run to download again)"
  fi
done

# 4. Unpack (stamped by the tarball name + checksum).
for p in $PACKAGES; do
  f=$(tarball_of "$p")
  want=$(sum_of "$f")
  stamp="$SRC/.$p.stamp"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want  $f" ] && [ -d "$SRC/$p" ]; then
    continue
  fi
  log "unpacking $f -> third_party/src/$p"
  rm -rf "$SRC/$p" "$SRC/$p.tmp"
  mkdir -p "$SRC/$p.tmp"
  tar -xf "$DL/$f" -C "$SRC/$p.tmp" || die "failed to unpack $f"
  # Strip the top directory when the archive has exactly one (most do;
  # the xnnpack orig tarball is flat).
  set -- "$SRC/$p.tmp"/* "$SRC/$p.tmp"/.[!.]*
  tops=""; n=0
  for e in "$@"; do [ -e "$e" ] || continue; tops="$e"; n=$((n + 1)); done
  if [ "$n" -eq 1 ] && [ -d "$tops" ]; then
    mv "$tops" "$SRC/$p" && rmdir "$SRC/$p.tmp"
  else
    mv "$SRC/$p.tmp" "$SRC/$p"
  fi
  echo "$want  $f" > "$stamp"
done

log "third-party sources ready in third_party/src"
