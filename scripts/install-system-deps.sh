#!/usr/bin/env bash
# Install the Debian packages tests need, only those missing. Needs root (CI and dev machines are).
set -euo pipefail
want=()
[ -x /usr/bin/chromium ] || want+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || want+=(fonts-noto-cjk)
if [ "${WITH_POSTGRES:-0}" = 1 ]; then
  [ -x /usr/lib/postgresql/15/bin/initdb ] || want+=(postgresql)
fi
if [ ${#want[@]} -gt 0 ]; then
  echo "installing: ${want[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
fi
