// The GPU runner as a manually triggered Container Apps job. The Functions app starts one execution per probe
// job through ARM (`jobs/start` with a template override carrying HARDSAMPLES_JOB_SPEC), polls its status and
// may stop it. A custom role grants exactly that to the Functions identity, scoped to this job.
@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Job name (lowercase letters, digits and dashes, at most 32 characters).')
@maxLength(32)
param name string

@description('Container Apps environment resource id.')
param environmentId string

@description('GPU workload profile name in the environment.')
param gpuWorkloadProfileName string

@description('Serverless GPU workload profile type (sets the container size).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuWorkloadProfileType string

@description('Runner image, e.g. myregistry.azurecr.io/hardsamples-runner:1. Empty: a public placeholder until the first push.')
param image string

@description('Registry login server the image is pulled from with the runner identity.')
param registryServer string

@description('Runner identity resource id (storage data roles and AcrPull).')
param runnerIdentityId string

@description('Runner identity client id, exposed to the container for DefaultAzureCredential.')
param runnerClientId string

@description('Name of the runner container (the launcher overrides this container).')
param containerName string

@description('Blob endpoint of the data storage account.')
param blobEndpoint string

@description('Table endpoint of the data storage account.')
param tableEndpoint string

@description('Blob container holding run artifacts.')
param runsContainerName string

@description('Table of per-sample rows.')
param samplesTableName string

@description('Hard cap on one execution, in seconds: the job is killed (and billing stops) after it.')
@minValue(60)
param replicaTimeoutSeconds int

@description('Retries of a failed execution replica.')
@minValue(0)
@maxValue(10)
param replicaRetryLimit int

@description('Principal of the Functions identity, allowed to start the job and read/stop its executions.')
param launcherPrincipalId string

// Serverless GPU profiles give one container the whole GPU slice: T4 = 8 vCPU / 56 GiB, A100 = 24 vCPU / 220 GiB.
var gpuSizes = {
  'Consumption-GPU-NC8as-T4': {
    cpu: '8'
    memory: '56Gi'
  }
  'Consumption-GPU-NC24-A100': {
    cpu: '24'
    memory: '220Gi'
  }
}
var placeholderImage = 'mcr.microsoft.com/k8se/quickstart-jobs:latest'
var effectiveImage = empty(image) ? placeholderImage : image

resource job 'Microsoft.App/jobs@2024-03-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${runnerIdentityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: gpuWorkloadProfileName
    configuration: {
      triggerType: 'Manual'
      replicaTimeout: replicaTimeoutSeconds
      replicaRetryLimit: replicaRetryLimit
      manualTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
      }
      registries: [
        {
          server: registryServer
          identity: runnerIdentityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: containerName
          image: effectiveImage
          resources: {
            cpu: json(gpuSizes[gpuWorkloadProfileType].cpu)
            memory: gpuSizes[gpuWorkloadProfileType].memory
          }
          env: [
            { name: 'AZURE_CLIENT_ID', value: runnerClientId }
            { name: 'HardSamplesStorage__blobServiceUri', value: blobEndpoint }
            { name: 'HardSamplesStorage__tableServiceUri', value: tableEndpoint }
            { name: 'HardSamplesStorage__credential', value: 'managedidentity' }
            { name: 'HardSamplesStorage__clientId', value: runnerClientId }
            { name: 'HardSamples__RunsContainer', value: runsContainerName }
            { name: 'HardSamples__SamplesTable', value: samplesTableName }
          ]
        }
      ]
    }
  }
}

// Exactly the operations the launcher performs; no wildcard (a wildcard over jobs/*/action would include
// listSecrets).
resource launcherRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, name, 'hardsamples-job-launcher')
  properties: {
    roleName: 'HardSamples job launcher (${name}, ${resourceGroup().name})'
    description: 'Start the HardSamples GPU runner job, read it and its executions, stop an execution.'
    type: 'CustomRole'
    assignableScopes: [
      resourceGroup().id
    ]
    permissions: [
      {
        actions: [
          'Microsoft.App/jobs/read'
          'Microsoft.App/jobs/start/action'
          'Microsoft.App/jobs/executions/read'
          'Microsoft.App/jobs/execution/read'
          'Microsoft.App/jobs/stop/execution/action'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

resource launcherAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(job.id, launcherPrincipalId, launcherRole.id)
  scope: job
  properties: {
    roleDefinitionId: launcherRole.id
    principalId: launcherPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output id string = job.id
output name string = job.name
output containerName string = containerName
output launcherRoleDefinitionId string = launcherRole.id
