using HardSamples.Shared.Arrays;

namespace HardSamples.Shared.Storage;

/// <summary>.npy arrays read whole from the artifact store.</summary>
public static class StoreArrays
{
    /// <summary>Reads <paramref name="name"/> as an array of <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidDataException">Not a valid .npy of that element type.</exception>
    public static async Task<NdArray<T>> ReadAsync<T>(IArtifactStore store, string name, CancellationToken cancellationToken = default) where T : unmanaged
    {
        await using var s = await store.OpenReadAsync(name, cancellationToken);
        using var buffer = new MemoryStream();
        await s.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return Npy.Read<T>(buffer, name);
    }
}
