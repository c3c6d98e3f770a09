#!/usr/bin/env sh
# Builds the GPU runner image inside Azure Container Registry (`az acr build`: no local Docker engine needed)
# and points the Container Apps job at it. Runs as the azd postprovision hook, or by hand with the variables
# below taken from the deployment outputs. Set SKIP_RUNNER_IMAGE=true to skip (the build takes a while: the
# CUDA base image and libtorch are several GB).
set -eu
if [ "${SKIP_RUNNER_IMAGE:-false}" = "true" ]; then echo "SKIP_RUNNER_IMAGE=true: runner image not built."; exit 0; fi
: "${AZURE_RESOURCE_GROUP:?set AZURE_RESOURCE_GROUP}"
: "${AZURE_CONTAINER_REGISTRY_NAME:?set AZURE_CONTAINER_REGISTRY_NAME (deployment output)}"
: "${AZURE_CONTAINER_REGISTRY_ENDPOINT:?set AZURE_CONTAINER_REGISTRY_ENDPOINT (deployment output)}"
: "${RUNNER_JOB_NAME:?set RUNNER_JOB_NAME (deployment output)}"
: "${RUNNER_CONTAINER_NAME:=runner}"
cd "$(dirname "$0")/../.."

tag="${RUNNER_IMAGE_TAG:-$(git rev-parse --short=12 HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)}"
image="${AZURE_CONTAINER_REGISTRY_ENDPOINT}/hardsamples-runner:${tag}"

az acr build --registry "$AZURE_CONTAINER_REGISTRY_NAME" --image "hardsamples-runner:${tag}" \
  --file src/GpuRunner/Dockerfile --platform linux/amd64 .
az containerapp job update --resource-group "$AZURE_RESOURCE_GROUP" --name "$RUNNER_JOB_NAME" \
  --container-name "$RUNNER_CONTAINER_NAME" --image "$image" --output none
# Keep the image across later `azd provision` runs (main.parameters.json reads RUNNER_IMAGE).
if command -v azd >/dev/null 2>&1; then azd env set RUNNER_IMAGE "$image" >/dev/null 2>&1 || true; fi
echo "Runner job $RUNNER_JOB_NAME now uses $image"
