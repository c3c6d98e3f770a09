// Container Apps environment with a serverless (Consumption) GPU workload profile.
// Logs go to Log Analytics through Azure Monitor diagnostic settings, so no workspace shared key is needed.
@description('Azure region (must offer serverless GPUs, e.g. westus3, australiaeast, swedencentral).')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Environment name.')
param name string

@description('Log Analytics workspace resource id receiving the environment logs.')
param logAnalyticsWorkspaceId string

@description('Serverless GPU workload profile type.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuWorkloadProfileType string

@description('Name given to the GPU workload profile inside the environment.')
param gpuWorkloadProfileName string

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: gpuWorkloadProfileName
        workloadProfileType: gpuWorkloadProfileType
      }
    ]
    zoneRedundant: false
  }
}

resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: environment
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

output id string = environment.id
output name string = environment.name
output gpuWorkloadProfileName string = gpuWorkloadProfileName
