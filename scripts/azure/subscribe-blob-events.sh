#!/usr/bin/env sh
# Creates (or updates) the Event Grid subscription that delivers BlobCreated events of the `datasets`
# container to the blob-triggered function. Must run after the function code is deployed: the webhook uses
# the host's blobs_extension system key, which exists only once the blob trigger has loaded. Runs in the azd
# postdeploy hook (scripts/azure/postdeploy.sh), or by hand with the deployment outputs below.
set -eu
: "${AZURE_RESOURCE_GROUP:?set AZURE_RESOURCE_GROUP}"
: "${FUNCTION_APP_NAME:?set FUNCTION_APP_NAME (deployment output)}"
: "${EVENT_GRID_SYSTEM_TOPIC_NAME:?set EVENT_GRID_SYSTEM_TOPIC_NAME (deployment output)}"
: "${BLOB_TRIGGER_FUNCTION_NAME:?set BLOB_TRIGGER_FUNCTION_NAME (deployment output)}"
: "${DATASETS_CONTAINER:=datasets}"
cd "$(dirname "$0")/../.."

# The key appears a little after the first deployment; wait for it (up to ~5 minutes).
i=0
until [ -n "$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$FUNCTION_APP_NAME" \
        --query systemKeys.blobs_extension -o tsv 2>/dev/null)" ]; do
  i=$((i + 1))
  if [ "$i" -gt 30 ]; then
    echo "The blobs_extension key of $FUNCTION_APP_NAME did not appear; is the code deployed with its blob trigger?" >&2
    exit 1
  fi
  sleep 10
done

az deployment group create --resource-group "$AZURE_RESOURCE_GROUP" --name blob-subscription \
  --template-file infra/bicep/modules/blob-subscription.bicep \
  --parameters systemTopicName="$EVENT_GRID_SYSTEM_TOPIC_NAME" functionAppName="$FUNCTION_APP_NAME" \
               blobTriggerFunctionName="$BLOB_TRIGGER_FUNCTION_NAME" containerName="$DATASETS_CONTAINER" \
  --output none
echo "Uploads to '$DATASETS_CONTAINER' now start runs through $BLOB_TRIGGER_FUNCTION_NAME."
