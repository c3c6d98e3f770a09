// Event Grid system topic on the storage account. The subscription that feeds the blob trigger lives in
// blob-subscription.bicep because its webhook key exists only once the function code is deployed.
@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('System topic name.')
param name string

@description('Storage account resource id (the event source).')
param storageAccountId string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output id string = topic.id
output name string = topic.name
