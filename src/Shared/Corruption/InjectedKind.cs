namespace HardSamples.Shared.Corruption;

/// <summary>The corruption injected into one prepared sample (values are stored in <c>injected.npy</c>).</summary>
public enum InjectedKind
{
    /// <summary>An untouched source sample.</summary>
    None = 0,
    /// <summary>(x₁ + x₂)/1.58 of two normalised source images (the seed's artificial label).</summary>
    Mixture = 1,
    /// <summary>The observed label was changed to a different class.</summary>
    LabelFlip = 2,
    /// <summary>A shifted, noisy copy of another prepared sample.</summary>
    NearDuplicate = 3,
}

/// <summary>Text names of <see cref="InjectedKind"/> as written in <c>provenance.csv</c> and the manifest.</summary>
public static class InjectedKindNames
{
    /// <summary>none, mixture, label_flip or near_duplicate.</summary>
    public static string Name(this InjectedKind kind) => kind switch
    {
        InjectedKind.None => "none",
        InjectedKind.Mixture => "mixture",
        InjectedKind.LabelFlip => "label_flip",
        InjectedKind.NearDuplicate => "near_duplicate",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown injected kind."),
    };

    /// <summary>Parses a name written by <see cref="Name"/>.</summary>
    public static InjectedKind Parse(string name) => name switch
    {
        "none" => InjectedKind.None,
        "mixture" => InjectedKind.Mixture,
        "label_flip" => InjectedKind.LabelFlip,
        "near_duplicate" => InjectedKind.NearDuplicate,
        _ => throw new FormatException($"Unknown injected kind '{name}' (expected none, mixture, label_flip or near_duplicate)."),
    };
}
