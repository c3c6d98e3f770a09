// Data-plane role assignments on the storage account (least privilege per identity).
@description('Storage account name.')
param storageAccountName string

@description('Principal of the Functions identity: host storage, durable task hub, datasets and run artifacts.')
param functionsPrincipalId string

@description('Principal of the GPU runner identity: reads datasets, writes run artifacts and sample rows.')
param runnerPrincipalId string

var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

// The Functions host needs Blob Data Owner on its AzureWebJobsStorage account (leases, deployment package),
// Queue Data Contributor (durable task hub queues) and Table Data Contributor (history, instances, Runs).
var grants = [
  { principalId: functionsPrincipalId, role: storageBlobDataOwner }
  { principalId: functionsPrincipalId, role: storageQueueDataContributor }
  { principalId: functionsPrincipalId, role: storageTableDataContributor }
  { principalId: runnerPrincipalId, role: storageBlobDataContributor }
  { principalId: runnerPrincipalId, role: storageTableDataContributor }
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in grants: {
    name: guid(account.id, grant.principalId, grant.role)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.role)
      principalId: grant.principalId
      principalType: 'ServicePrincipal'
    }
  }
]
