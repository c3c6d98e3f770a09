#!/usr/bin/env sh
# azd postdeploy hook: steps that need the function code deployed (the host creates its keys only then).
set -eu
cd "$(dirname "$0")"
./set-callback-key.sh
./subscribe-blob-events.sh
