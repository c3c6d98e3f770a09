// One user-assigned identity per component: the Functions app and the GPU runner job.
@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the Functions app identity.')
param functionsIdentityName string

@description('Name of the GPU runner job identity (storage data + image pull).')
param runnerIdentityName string

resource functionsIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: functionsIdentityName
  location: location
  tags: tags
}

resource runnerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: runnerIdentityName
  location: location
  tags: tags
}

output functionsIdentityId string = functionsIdentity.id
output functionsClientId string = functionsIdentity.properties.clientId
output functionsPrincipalId string = functionsIdentity.properties.principalId
output runnerIdentityId string = runnerIdentity.id
output runnerClientId string = runnerIdentity.properties.clientId
output runnerPrincipalId string = runnerIdentity.properties.principalId
