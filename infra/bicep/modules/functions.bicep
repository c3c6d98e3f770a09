// Flex Consumption Functions app (dotnet-isolated 10.0) running the HTTP API, the dataset blob trigger and the
// durable orchestrator. Every storage connection is identity based (user-assigned identity, no keys); the
// durable task hub uses the Azure Storage backend through AzureWebJobsStorage.
@description('Azure region.')
param location string

@description('Tags applied to every resource (the app also gets the azd service tag).')
param tags object

@description('Function app name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('azd service name this app is deployed as.')
param azdServiceName string

@description('Functions identity resource id.')
param identityId string

@description('Functions identity client id.')
param identityClientId string

@description('Blob container URL holding the deployment package.')
param deploymentContainerUrl string

@description('Storage endpoints (host storage and application data share one account).')
param blobEndpoint string
param queueEndpoint string
param tableEndpoint string

@description('Application Insights connection string (ingestion needs Entra ID: local auth is off).')
param appInsightsConnectionString string

@description('Application settings specific to HardSamples (name/value objects), appended to the host settings.')
param appSettings array

@description('Name of the runner-callback base URL setting, set here to https://{defaultHostName} of this app.')
param callbackBaseUrlSettingName string

@description('Name of the runner-callback function key setting, set here from this app\'s host keys.')
param callbackKeySettingName string

@description('Fill the callback key setting from the host default function key (listKeys). Flex Consumption creates host keys only once the app code has run: leave false for the first deployment (the setting stays empty and scripts/azure/set-callback-key.sh fills it after the code deployment), true afterwards.')
param callbackKeyFromHost bool

@description('Maximum instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of one instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

var hostSettings = [
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: blobEndpoint }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: queueEndpoint }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: tableEndpoint }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
]

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

// All app settings as the site's appsettings resource (it replaces the whole set): the callback settings need the
// site's own host name and key, which the site's properties cannot reference.
var callbackSettings = [
  { name: callbackBaseUrlSettingName, value: 'https://${app.properties.defaultHostName}' }
  {
    name: callbackKeySettingName
    value: callbackKeyFromHost ? listKeys('${app.id}/host/default', '2023-12-01').functionKeys.default : ''
  }
]

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: toObject(concat(hostSettings, appSettings, callbackSettings), setting => setting.name, setting => setting.value)
}

resource basicPublishingFtp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource basicPublishingScm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output id string = app.id
output name string = app.name
output defaultHostName string = app.properties.defaultHostName
output url string = 'https://${app.properties.defaultHostName}'
