#!/usr/bin/env sh
# Gives the GPU runner's completion callback its function key: sets HardSamples__CallbackKey on the Functions app
# to the host's default function key (POST /api/runs/{runId}/jobs/{jobId}/complete is a function-level endpoint).
# Must run after the function code is deployed: on Flex Consumption the host keys exist only once the host has run,
# so the template cannot read the key in the first deployment. Later provisions read it themselves
# (main.bicep callbackKeyFromHost=true; under azd this script sets RUNNER_CALLBACK_KEY_FROM_HOST=true for them).
# Runs as part of the azd postdeploy hook (scripts/azure/postdeploy.sh), or by hand with the deployment outputs.
set -eu
: "${AZURE_RESOURCE_GROUP:?set AZURE_RESOURCE_GROUP}"
: "${FUNCTION_APP_NAME:?set FUNCTION_APP_NAME (deployment output)}"

# The key appears a little after the first deployment; wait for it (up to ~5 minutes).
i=0
until key="$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$FUNCTION_APP_NAME" \
        --query functionKeys.default -o tsv 2>/dev/null)" && [ -n "$key" ]; do
  i=$((i + 1))
  if [ "$i" -gt 30 ]; then
    echo "The default function key of $FUNCTION_APP_NAME did not appear; is the code deployed?" >&2
    exit 1
  fi
  sleep 10
done

# Skip the write (and the app restart it causes) when the setting already holds the key.
current="$(az functionapp config appsettings list -g "$AZURE_RESOURCE_GROUP" -n "$FUNCTION_APP_NAME" \
  --query "[?name=='HardSamples__CallbackKey'].value | [0]" -o tsv 2>/dev/null || true)"
if [ "$current" != "$key" ]; then
  az functionapp config appsettings set -g "$AZURE_RESOURCE_GROUP" -n "$FUNCTION_APP_NAME" \
    --settings "HardSamples__CallbackKey=$key" --output none
fi
# Later `azd provision` runs read the key in the template instead of blanking it (main.parameters.json).
if command -v azd >/dev/null 2>&1; then azd env set RUNNER_CALLBACK_KEY_FROM_HOST true >/dev/null 2>&1 || true; fi
echo "Runner callbacks to $FUNCTION_APP_NAME now carry its default function key."
