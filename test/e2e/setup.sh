#!/usr/bin/env bash
# Installs what the end-to-end tests need: a few Debian packages (Chromium, ripgrep, headers for native
# modules) and, into .cache/e2e/ (git-ignored), code-server and playwright-core. Never a dependency in
# package.json: code-server's postinstall downloads ripgrep from GitHub, which these machines cannot reach,
# so its steps are done here by hand (see ../shared/docs/vscode-e2e.md).
#
# Idempotent: when the marker file names the wanted versions and the Debian packages are present, it
# returns at once. Set E2E_FORCE=1 to reinstall the cache folder.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3   # VS Code 1.100.3; 4.103 and later need Node 22+
PLAYWRIGHT_VERSION=1.64.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.cache/e2e"
MARKER="$CACHE/installed.txt"
WANTED="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION node@$(node -p 'process.versions.modules')"
DEBIAN_PACKAGES=(chromium fonts-liberation ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config)

log() { printf 'e2e setup: %s\n' "$*" >&2; }

missing_debian_packages() {
  local installed
  # dpkg-query exits 1 when any package is unknown: that must not end the caller (set -e, pipefail).
  installed=$({ dpkg-query -W -f='${Package} ${Status}\n' "${DEBIAN_PACKAGES[@]}" 2>/dev/null || true; } | awk '/install ok installed$/ { print $1 }')
  local p
  for p in "${DEBIAN_PACKAGES[@]}"; do
    grep -qx "$p" <<<"$installed" || printf '%s\n' "$p"
  done
}

install_debian_packages() {
  local missing
  mapfile -t missing < <(missing_debian_packages)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { log "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    sudo=(sudo)
  fi
  log "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

installed_ok() {
  [[ -z ${E2E_FORCE:-} && -f $MARKER && "$(cat "$MARKER")" == "$WANTED" ]] &&
    [[ -f $CACHE/node_modules/code-server/out/node/entry.js && -d $CACHE/node_modules/playwright-core ]] &&
    [[ -z "$(missing_debian_packages)" ]]
}

# Fast path, without taking the lock.
if installed_ok; then
  log "already installed ($WANTED)"
  exit 0
fi

mkdir -p "$CACHE"
# One installer at a time (two test runs started together would otherwise race).
exec 9>"$CACHE/.lock"
flock 9
if installed_ok; then
  log "already installed ($WANTED)"
  exit 0
fi
rm -f "$MARKER"
started=$SECONDS

install_debian_packages

# A package.json of its own, so npm does not walk up and install into the repository.
cat >"$CACHE/package.json" <<'EOF'
{ "name": "fastasyncio-e2e-cache", "private": true, "description": "git-ignored; written by test/e2e/setup.sh" }
EOF
cd "$CACHE"
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
log "installing code-server@$CODE_SERVER_VERSION and playwright-core@$PLAYWRIGHT_VERSION into $CACHE"
npm install --no-save --ignore-scripts --loglevel=error \
  "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
npm rebuild --loglevel=error argon2

cd "$CACHE/node_modules/code-server/lib/vscode"
npm install --omit=dev --ignore-scripts --loglevel=error
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild --loglevel=error @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev --loglevel=error >/dev/null)

# The smallest check that code-server starts at all.
node "$CACHE/node_modules/code-server/out/node/entry.js" --version >/dev/null

printf '%s' "$WANTED" >"$MARKER"
log "done in $((SECONDS - started)) s ($(du -sh "$CACHE" | cut -f1) in $CACHE)"
