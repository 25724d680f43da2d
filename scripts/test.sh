#!/usr/bin/env bash
# Set up (packages, build) and run the whole test suite: GoogleTest cases and
# the Python checks of the output, through ctest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$MOBSIM_BUILD"
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
