#!/usr/bin/env bash
# Runs a command with a given Node.js version first on PATH:
#
#   scripts/with-node.sh VERSION COMMAND [ARGS...]     VERSION: a major (22) or exact (22.23.5)
#
# This machine's own node is used when it already is that version. Otherwise the official build
# comes from the npm registry's node-<os>-<arch> package (the node binary and its C headers, no
# npm: the machine's npm runs on whichever node is first on PATH), unpacked once into a cache
# folder. npm_config_nodedir points node-gyp at those headers, so native modules (better-sqlite3)
# installed by COMMAND are compiled for that version.
set -euo pipefail

usage() {
  echo "usage: scripts/with-node.sh VERSION COMMAND [ARGS...]   (VERSION: a major such as 22, or 22.23.5)" >&2
  exit 2
}
[ "$#" -ge 2 ] || usage
want=$1
shift
[[ $want =~ ^[0-9]+(\.[0-9]+\.[0-9]+)?$ ]] || usage

current=$(node -p 'process.versions.node' 2>/dev/null || true)
if [ -n "$current" ] && { [ "$current" = "$want" ] || [ "${current%%.*}" = "$want" ]; }; then
  echo "with-node: node v$current (this machine's)" >&2
  exec "$@"
fi

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "with-node: no node-<os> package for $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "with-node: no node-<os>-<arch> package for $(uname -m)" >&2; exit 1 ;;
esac

cache=${EC2_SG_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ec2-sg-emulator/node}
mkdir -p "$cache"
download=$(mktemp -d "$cache/.download-XXXXXX")
trap 'rm -rf "$download"' EXIT
# npm's own cache makes a repeated fetch of the same version cheap.
npm pack "node-$os-$arch@$want" --pack-destination "$download" --prefer-offline --silent >"$download/name"
tarball="$download/$(tail -n 1 "$download/name")"
version=$(tar -xzOf "$tarball" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).version')
dir="$cache/v$version"
if [ ! -x "$dir/bin/node" ]; then
  mkdir "$download/unpacked"
  tar -xzf "$tarball" -C "$download/unpacked"
  # Another run may have unpacked the same version meanwhile: keep whichever landed first.
  mv -T "$download/unpacked/package" "$dir" 2>/dev/null || [ -x "$dir/bin/node" ]
fi
rm -rf "$download"
trap - EXIT

export PATH="$dir/bin:$PATH"
export npm_config_nodedir="$dir"
echo "with-node: node $("$dir/bin/node" --version) from $dir" >&2
exec "$@"
