namespace HardSamples.Shared.Datasets;

/// <summary>Which IDX pair to read from a folder holding both MNIST parts.</summary>
public enum IdxPart
{
    /// <summary><c>train-*</c> when present, else <c>t10k-*</c>.</summary>
    Auto,
    /// <summary><c>train-images-idx3-ubyte[.gz]</c>.</summary>
    Train,
    /// <summary><c>t10k-images-idx3-ubyte[.gz]</c>.</summary>
    Test,
}

/// <summary>Options for reading a dataset.</summary>
/// <param name="LabelsPath">Labels .npy for a .npy images file (otherwise <c>labels.npy</c> beside <c>images.npy</c>/<c>samples.npy</c> in a folder).</param>
/// <param name="TargetSize">Resize image-folder images to this size.</param>
/// <param name="Color">Channels for image folders.</param>
/// <param name="Part">IDX part for folders with train and test files.</param>
public sealed record DatasetReadOptions(string? LabelsPath = null, ImageSize? TargetSize = null, ColorMode Color = ColorMode.Auto, IdxPart Part = IdxPart.Auto);

/// <summary>
/// Turns a dataset argument into a <see cref="SourceDataset"/>: the aliases <c>mnist-sample</c> (the bundled
/// MNIST test set) and <c>fashion-mnist</c> (Debian <c>dataset-fashion-mnist</c>), a folder with IDX files, an IDX
/// images file, a .npy file or a folder with <c>images.npy</c>/<c>samples.npy</c>, or an image folder.
/// </summary>
public static class DatasetResolver
{
    /// <summary>Alias of the bundled sample.</summary>
    public const string MnistSampleAlias = "mnist-sample";

    /// <summary>Alias of the Debian Fashion-MNIST package.</summary>
    public const string FashionMnistAlias = "fashion-mnist";

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> installs its files.</summary>
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// The bundled MNIST sample, shipped beside the assemblies: every project that references HardSamples.Shared
    /// gets <c>samples/mnist-10k/</c> copied into its build and publish output (content items of the Shared project),
    /// so the CLI, an installed tool and test hosts all find it at <c>{AppContext.BaseDirectory}/samples/mnist-10k</c>.
    /// </summary>
    public static string MnistSampleDirectory => Path.Combine(AppContext.BaseDirectory, "samples", "mnist-10k");

    /// <summary>Reads the dataset named by <paramref name="spec"/>.</summary>
    public static SourceDataset Read(string spec, DatasetReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        options ??= new DatasetReadOptions();
        if (spec == MnistSampleAlias)
        {
            var dir = MnistSampleDirectory;
            if (!Directory.Exists(dir))
                throw new DirectoryNotFoundException($"The bundled sample is missing: '{dir}' does not exist (it ships in the output of every project referencing HardSamples.Shared; rebuild or reinstall).");
            return ReadIdxFolder(dir, options.Part, MnistSampleAlias);
        }
        if (spec == FashionMnistAlias)
        {
            if (!Directory.Exists(FashionMnistDirectory))
                throw new DirectoryNotFoundException($"Fashion-MNIST is not installed ('{FashionMnistDirectory}' missing): apt-get install dataset-fashion-mnist.");
            return ReadIdxFolder(FashionMnistDirectory, options.Part, FashionMnistAlias);
        }
        if (File.Exists(spec))
        {
            if (spec.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
                return NpyDatasetReader.Read(spec, options.LabelsPath);
            if (Path.GetFileName(spec).Contains("idx3", StringComparison.OrdinalIgnoreCase))
                return IdxReader.Read(spec, FindIdxLabels(spec));
            throw new InvalidDataException($"'{spec}': unknown dataset file type (expected .npy or an IDX images file *-images-idx3-ubyte[.gz]).");
        }
        if (Directory.Exists(spec))
        {
            if (File.Exists(Path.Combine(spec, PreparedDatasetStore.ManifestName)) && File.Exists(Path.Combine(spec, PreparedDatasetStore.SamplesName)))
                throw new InvalidDataException($"'{spec}' is a prepared dataset (manifest.json), not a source: its samples are already normalised and corrupted. Point at the original data, or load it with PreparedDatasetStore.");
            if (FindIdxImages(spec, options.Part) is not null) return ReadIdxFolder(spec, options.Part, spec);
            foreach (var name in new[] { "images.npy", "samples.npy" })
            {
                var path = Path.Combine(spec, name);
                if (File.Exists(path))
                {
                    var labels = options.LabelsPath ?? (File.Exists(Path.Combine(spec, "labels.npy")) ? Path.Combine(spec, "labels.npy") : null);
                    return NpyDatasetReader.Read(path, labels, spec);
                }
            }
            return ImageFolderReader.Read(spec, options.TargetSize, options.Color);
        }
        throw new FileNotFoundException($"Dataset '{spec}' not found: not '{MnistSampleAlias}', '{FashionMnistAlias}', an existing file or a folder.");
    }

    /// <summary>Reads the IDX pair of a folder (labels optional).</summary>
    public static SourceDataset ReadIdxFolder(string dir, IdxPart part, string description)
    {
        var images = FindIdxImages(dir, part)
            ?? throw new FileNotFoundException($"{dir}: no {(part == IdxPart.Test ? "t10k" : part == IdxPart.Train ? "train" : "train or t10k")}-images-idx3-ubyte[.gz] file.");
        return IdxReader.Read(images, FindIdxLabels(images), description);
    }

    private static string? FindIdxImages(string dir, IdxPart part)
    {
        var prefixes = part switch
        {
            IdxPart.Train => new[] { "train" },
            IdxPart.Test => ["t10k"],
            _ => ["train", "t10k"],
        };
        foreach (var prefix in prefixes)
        {
            foreach (var suffix in new[] { "", ".gz" })
            {
                var path = Path.Combine(dir, $"{prefix}-images-idx3-ubyte{suffix}");
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    private static string? FindIdxLabels(string imagesPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(imagesPath))!;
        var name = Path.GetFileName(imagesPath).Replace("images-idx3", "labels-idx1", StringComparison.OrdinalIgnoreCase);
        if (name == Path.GetFileName(imagesPath)) return null;
        var stem = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;
        foreach (var candidate in new[] { stem, stem + ".gz" })
        {
            var path = Path.Combine(dir, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
