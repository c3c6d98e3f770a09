// Event Grid subscription delivering BlobCreated events of one container to an Event Grid-source blob trigger
// (the only blob trigger Flex Consumption supports). The webhook carries the blobs_extension system key, which
// the Functions host creates when it first loads the blob trigger: deploy this after the app code
// (scripts/azure/subscribe-blob-events.sh does it in the azd postdeploy hook, scripts/azure/postdeploy.sh).
@description('Existing Event Grid system topic on the storage account.')
param systemTopicName string

@description('Existing function app name.')
param functionAppName string

@description('Name of the blob-triggered function (the [Function] name).')
param blobTriggerFunctionName string

@description('Blob container whose uploads start runs.')
param containerName string

@description('Subscription name.')
param name string = 'datasets-blob-created'

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

var webhookUrl = 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${blobTriggerFunctionName}&code=${listKeys('${app.id}/host/default', app.apiVersion).systemKeys.blobs_extension}'

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: name
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: webhookUrl
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output id string = subscription.id
