using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Storage;

/// <summary>One Azurite shared by every Azure-backed test class (they run one after another in this collection).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
