#!/usr/bin/env bash
# Installs the Debian packages the kiosk needs when they are missing: speech (espeak-ng,
# aplay), gettext tools, PortAudio for voice notes and the libraries Qt loads for a window
# (X11 or Wayland). With `test`, also what only the tests use: poppler-utils reads the PDF
# reports, Xvfb is a real X display, zbarimg (zbar-tools) reads the receipt's QR code back,
# sox and exiftool make the sound and photos the media tests feed in, and the hub's tests
# start their own PostgreSQL server and drive the staff console in Chromium. As root it
# installs them; otherwise it prints the command to run. Without dpkg it only says so.
set -euo pipefail

packages=(
  espeak-ng alsa-utils gettext fontconfig fonts-dejavu-core libportaudio2
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0
  libwayland-client0 libwayland-cursor0 libwayland-egl1
  libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
)
if [ "${1:-}" = test ]; then
  packages+=(poppler-utils xvfb zbar-tools sox libimage-exiftool-perl postgresql chromium chromium-driver)
fi
python=${PYTHON:-python3}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian system; install by hand: ${packages[*]}" >&2
  exit 0
fi
if ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing packages; as root run: apt-get update && $command" >&2
  # Without venv nothing can be installed; the other packages can wait (speech, a window).
  [[ " ${missing[*]} " == *" python3-venv "* ]] && exit 1
  exit 0
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$command >/dev/null
