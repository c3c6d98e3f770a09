// HardSamples on Azure: Flex Consumption Functions (HTTP API, dataset blob trigger, durable orchestrator),
// a serverless-GPU Container Apps job for the probes, Blob/Table storage, Event Grid, ACR and monitoring.
// Identity everywhere: no keys, secrets or storage connection strings in this template or in app settings.
targetScope = 'resourceGroup'

@description('Environment name (azd: AZURE_ENV_NAME); seeds resource names.')
@minLength(1)
@maxLength(40)
param environmentName string

@description('Azure region of every resource; must offer Container Apps serverless GPUs.')
param location string = resourceGroup().location

@description('Serverless GPU for the runner job: T4 (cheaper, 16 GB) or A100 (faster, 80 GB).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuWorkloadProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Runner image in the registry (e.g. <registry>.azurecr.io/hardsamples-runner:1). Empty until the first push: a public placeholder is used.')
param runnerImage string = ''

@description('Hard cap on one runner execution in seconds (also a cost cap).')
@minValue(60)
param replicaTimeoutSeconds int = 14400

@description('Retries of a failed runner replica before the execution fails.')
@minValue(0)
@maxValue(10)
param replicaRetryLimit int = 1

@description('Maximum Functions instances.')
@minValue(1)
@maxValue(1000)
param functionMaximumInstanceCount int = 40

@description('Memory of one Functions instance in MB.')
@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int = 2048

@description('Create the Event Grid subscription feeding the blob trigger. Needs the app code deployed first (its key exists only then).')
param subscribeBlobEvents bool = false

@description('Fill the runner callback key (HardSamples__CallbackKey) from the Functions host default key. Needs the app code deployed first (Flex Consumption creates host keys only then): scripts/azure/set-callback-key.sh sets the key after the first code deployment and turns this on for later provisions.')
param callbackKeyFromHost bool = false

@description('Name of the blob-triggered function that starts a run for an uploaded dataset.')
param blobTriggerFunctionName string = 'StartRunOnDatasetUpload'

@description('Tags applied to every resource.')
param tags object = {}

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var allTags = union(tags, { 'azd-env-name': environmentName, application: 'hardsamples' })

var datasetsContainerName = 'datasets'
var runsContainerName = 'runs'
var deploymentContainerName = 'deployment-package'
var runsTableName = 'Runs'
var samplesTableName = 'Samples'
var runnerContainerName = 'runner'
var gpuWorkloadProfileName = 'gpu'

module identities 'modules/identities.bicep' = {
  name: 'identities'
  params: {
    location: location
    tags: allTags
    functionsIdentityName: 'id-func-${resourceToken}'
    runnerIdentityName: 'id-runner-${resourceToken}'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: allTags
    logAnalyticsName: 'log-${resourceToken}'
    appInsightsName: 'appi-${resourceToken}'
    publisherPrincipalId: identities.outputs.functionsPrincipalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: allTags
    name: 'st${resourceToken}'
    datasetsContainerName: datasetsContainerName
    runsContainerName: runsContainerName
    deploymentContainerName: deploymentContainerName
    runsTableName: runsTableName
    samplesTableName: samplesTableName
  }
}

module storageAccess 'modules/storage-access.bicep' = {
  name: 'storage-access'
  params: {
    storageAccountName: storage.outputs.name
    functionsPrincipalId: identities.outputs.functionsPrincipalId
    runnerPrincipalId: identities.outputs.runnerPrincipalId
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    tags: allTags
    name: 'cr${resourceToken}'
    pullPrincipalId: identities.outputs.runnerPrincipalId
  }
}

module containerAppsEnvironment 'modules/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  params: {
    location: location
    tags: allTags
    name: 'cae-${resourceToken}'
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    gpuWorkloadProfileType: gpuWorkloadProfileType
    gpuWorkloadProfileName: gpuWorkloadProfileName
  }
}

module runnerJob 'modules/runner-job.bicep' = {
  name: 'runner-job'
  params: {
    location: location
    tags: allTags
    name: 'caj-runner-${resourceToken}'
    environmentId: containerAppsEnvironment.outputs.id
    gpuWorkloadProfileName: containerAppsEnvironment.outputs.gpuWorkloadProfileName
    gpuWorkloadProfileType: gpuWorkloadProfileType
    image: runnerImage
    registryServer: registry.outputs.loginServer
    runnerIdentityId: identities.outputs.runnerIdentityId
    runnerClientId: identities.outputs.runnerClientId
    containerName: runnerContainerName
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    runsContainerName: runsContainerName
    samplesTableName: samplesTableName
    replicaTimeoutSeconds: replicaTimeoutSeconds
    replicaRetryLimit: replicaRetryLimit
    launcherPrincipalId: identities.outputs.functionsPrincipalId
  }
  dependsOn: [
    // The first execution must be able to pull the image and reach storage.
    storageAccess
  ]
}

// Settings of the Functions app (names: src/Orchestrator/OrchestratorSettings.cs, which lists every setting the app
// reads; a test keeps both in step). Values are endpoints, ids and fixed choices only. The host settings are in
// modules/functions.bicep, and so are the runner callback settings: their values come from the site itself.
var orchestratorSettings = [
  { name: 'AZURE_CLIENT_ID', value: identities.outputs.functionsClientId }
  { name: 'HardSamplesStorage__blobServiceUri', value: storage.outputs.blobEndpoint }
  { name: 'HardSamplesStorage__queueServiceUri', value: storage.outputs.queueEndpoint }
  { name: 'HardSamplesStorage__tableServiceUri', value: storage.outputs.tableEndpoint }
  { name: 'HardSamplesStorage__credential', value: 'managedidentity' }
  { name: 'HardSamplesStorage__clientId', value: identities.outputs.functionsClientId }
  { name: 'HardSamples__RunsTable', value: runsTableName }
  { name: 'HardSamples__SamplesTable', value: samplesTableName }
  { name: 'HardSamples__JobLauncher', value: 'ContainerApps' }
  { name: 'ContainerAppsJob__ArmEndpoint', value: environment().resourceManager }
  { name: 'ContainerAppsJob__TokenScope', value: '${environment().resourceManager}.default' }
  { name: 'ContainerAppsJob__SubscriptionId', value: subscription().subscriptionId }
  { name: 'ContainerAppsJob__ResourceGroup', value: resourceGroup().name }
  { name: 'ContainerAppsJob__JobName', value: runnerJob.outputs.name }
  { name: 'ContainerAppsJob__ContainerName', value: runnerJob.outputs.containerName }
  { name: 'ContainerAppsJob__ManagedIdentityClientId', value: identities.outputs.functionsClientId }
]

module functions 'modules/functions.bicep' = {
  name: 'functions'
  params: {
    location: location
    tags: allTags
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    azdServiceName: 'orchestrator'
    identityId: identities.outputs.functionsIdentityId
    identityClientId: identities.outputs.functionsClientId
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    appSettings: orchestratorSettings
    callbackBaseUrlSettingName: 'HardSamples__CallbackBaseUrl'
    callbackKeySettingName: 'HardSamples__CallbackKey'
    callbackKeyFromHost: callbackKeyFromHost
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
  }
  dependsOn: [
    // The host needs its storage roles before it starts.
    storageAccess
  ]
}

module blobEvents 'modules/blob-events.bicep' = {
  name: 'blob-events'
  params: {
    location: location
    tags: allTags
    name: 'evgt-${resourceToken}'
    storageAccountId: storage.outputs.id
  }
}

module blobSubscription 'modules/blob-subscription.bicep' = if (subscribeBlobEvents) {
  name: 'blob-subscription'
  params: {
    systemTopicName: blobEvents.outputs.name
    functionAppName: functions.outputs.name
    blobTriggerFunctionName: blobTriggerFunctionName
    containerName: datasetsContainerName
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output FUNCTION_APP_NAME string = functions.outputs.name
output FUNCTION_APP_URL string = functions.outputs.url
output FUNCTION_APP_ID string = functions.outputs.id
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output DATASETS_CONTAINER string = datasetsContainerName
output RUNNER_JOB_NAME string = runnerJob.outputs.name
output RUNNER_JOB_ID string = runnerJob.outputs.id
output RUNNER_CONTAINER_NAME string = runnerContainerName
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output CONTAINER_APPS_ENVIRONMENT_ID string = containerAppsEnvironment.outputs.id
output EVENT_GRID_SYSTEM_TOPIC_NAME string = blobEvents.outputs.name
output BLOB_TRIGGER_FUNCTION_NAME string = blobTriggerFunctionName
output FUNCTIONS_IDENTITY_CLIENT_ID string = identities.outputs.functionsClientId
output RUNNER_IDENTITY_CLIENT_ID string = identities.outputs.runnerClientId
