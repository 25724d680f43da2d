#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine for mobsim and builds it in Release:
# installs the Debian packages that are missing, configures and compiles.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again.
set -euo pipefail

MOBSIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOBSIM_BUILD="${MOBSIM_BUILD:-$MOBSIM_ROOT/build}"

packages=(
  build-essential cmake pkg-config git
  libhdf5-dev libeigen3-dev libtomlplusplus-dev librandom123-dev libcli11-dev zlib1g-dev libboost-dev
  libgtest-dev libbenchmark-dev
  python3 python3-pytest python3-numpy python3-h5py python3-xarray python3-h5netcdf python3-cftime
  python3-matplotlib python3-pil python3-scipy python3-sklearn fonts-dejavu-core
  python3-cartopy python-cartopy-data python3-geopandas
  chromium chromium-driver python3-selenium
  hdf5-tools
  libopenmpi-dev openmpi-bin
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S "$MOBSIM_ROOT" -B "$MOBSIM_BUILD" -DCMAKE_BUILD_TYPE=Release -DMOBSIM_WERROR=ON >/dev/null
cmake --build "$MOBSIM_BUILD" -j "$jobs"
