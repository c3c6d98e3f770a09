using SkiaSharp;

namespace HardSamples.Shared.Datasets;

/// <summary>Colour handling of an image folder.</summary>
public enum ColorMode
{
    /// <summary>One channel when every image is grey (R = G = B), else three.</summary>
    Auto,
    /// <summary>Always one channel (luma 0.299R + 0.587G + 0.114B, rounded).</summary>
    Grayscale,
    /// <summary>Always three channels.</summary>
    Rgb,
}

/// <summary>A target image size (width × height).</summary>
/// <param name="Width">Pixels across.</param>
/// <param name="Height">Pixels down.</param>
public readonly record struct ImageSize(int Width, int Height)
{
    /// <summary>Parses <c>28</c> (square) or <c>32x24</c> (width × height).</summary>
    public static ImageSize Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, out var v) && v is > 0 and <= 4096))
        {
            var w = int.Parse(parts[0]);
            return new ImageSize(w, parts.Length == 2 ? int.Parse(parts[1]) : w);
        }
        throw new FormatException($"Image size '{text}' is not N or WxH with values in 1..4096.");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Width}x{Height}";
}

/// <summary>
/// Reads PNG/JPEG images from a folder. Sub-folders of the root are classes (labeled, class ids in ordinal name
/// order, images found recursively inside each); a root with only image files is unlabeled. Every image must
/// decode; sizes must agree unless a target size is given (then each image is resized with linear filtering).
/// Symbolic links that resolve outside the root are rejected. Other files are ignored and reported in
/// <see cref="SourceDataset.Notes"/>.
/// </summary>
public static class ImageFolderReader
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg" };

    /// <summary>Reads and validates the whole folder; nothing is returned unless every image is usable.</summary>
    public static SourceDataset Read(string root, ImageSize? targetSize = null, ColorMode color = ColorMode.Auto)
    {
        var rootInfo = new DirectoryInfo(root);
        if (!rootInfo.Exists) throw new DirectoryNotFoundException($"Image folder '{root}' does not exist.");
        var realRoot = RealPath(rootInfo);
        var notes = new List<string>();
        var ignored = 0;
        var rootFiles = new List<FileInfo>();
        var classDirs = new List<DirectoryInfo>();
        foreach (var entry in rootInfo.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var resolved = CheckInside(entry, realRoot, root);
            if (resolved is DirectoryInfo dir) classDirs.Add(new DirectoryInfo(entry.FullName));
            else if (resolved is FileInfo && Extensions.Contains(entry.Extension)) rootFiles.Add(new FileInfo(entry.FullName));
            else ignored++;
        }
        if (classDirs.Count > 0 && rootFiles.Count > 0)
            throw new InvalidDataException($"{root}: mixed layout: {rootFiles.Count} images at the top level and {classDirs.Count} class folders (use either class-per-subfolder or a flat folder).");

        var files = new List<(FileInfo File, int Label)>();
        string[]? classNames = null;
        if (classDirs.Count > 0)
        {
            classNames = classDirs.Select(d => d.Name).ToArray();
            for (var c = 0; c < classDirs.Count; c++)
            {
                var found = new List<FileInfo>();
                ignored += Collect(classDirs[c], realRoot, root, found, new HashSet<string>(StringComparer.Ordinal));
                if (found.Count == 0) notes.Add($"class folder '{classDirs[c].Name}' holds no images");
                files.AddRange(found.OrderBy(f => f.FullName, StringComparer.Ordinal).Select(f => (f, c)));
            }
        }
        else
        {
            files.AddRange(rootFiles.Select(f => (f, -1)));
        }
        if (ignored > 0) notes.Add($"{ignored} non-image entries ignored");
        if (files.Count == 0) throw new InvalidDataException($"{root}: the folder contains zero images (.png, .jpg, .jpeg).");

        var rootFull = Path.GetFullPath(root);
        var names = files.Select(f => Path.GetRelativePath(rootFull, f.File.FullName).Replace('\\', '/')).ToArray();
        var decoded = DecodeAll(files.Select(f => f.File.FullName).ToArray(), names, targetSize);
        var (w, h) = (decoded.Width, decoded.Height);
        var allGray = decoded.AllGray;
        var channels = color switch
        {
            ColorMode.Grayscale => 1,
            ColorMode.Rgb => 3,
            _ => allGray ? 1 : 3,
        };
        var plane = w * h;
        var pixels = new byte[(long)files.Count * channels * plane];
        for (var i = 0; i < files.Count; i++)
        {
            var rgb = decoded.Rgb[i];
            var dst = pixels.AsSpan(i * channels * plane, channels * plane);
            if (channels == 3)
            {
                for (var p = 0; p < plane; p++)
                {
                    dst[p] = rgb[3 * p];
                    dst[plane + p] = rgb[3 * p + 1];
                    dst[2 * plane + p] = rgb[3 * p + 2];
                }
            }
            else
            {
                for (var p = 0; p < plane; p++)
                {
                    int r = rgb[3 * p], g = rgb[3 * p + 1], b = rgb[3 * p + 2];
                    dst[p] = r == g && g == b ? (byte)r : (byte)Math.Round(0.299 * r + 0.587 * g + 0.114 * b);
                }
            }
        }
        int[]? labels = classNames is null ? null : files.Select(f => f.Label).ToArray();
        return SourceDataset.FromBytes("image-folder", root, pixels, files.Count, channels, h, w, labels,
            classNames?.Length, classNames, names, Path.GetFileName(rootFull.TrimEnd('/')), notes);
    }

    private sealed record Decoded(byte[][] Rgb, int Width, int Height, bool AllGray);

    private static Decoded DecodeAll(string[] paths, string[] names, ImageSize? target)
    {
        var rgb = new byte[paths.Length][];
        var sizes = new (int W, int H)[paths.Length];
        var gray = new bool[paths.Length];
        var errors = new string?[paths.Length];
        Parallel.For(0, paths.Length, i =>
        {
            try
            {
                (rgb[i], sizes[i], gray[i]) = DecodeOne(paths[i], target);
            }
            catch (InvalidDataException e)
            {
                errors[i] = e.Message;
            }
        });
        var firstError = errors.FirstOrDefault(e => e is not null);
        if (firstError is not null) throw new InvalidDataException(firstError);
        if (target is null)
        {
            var first = sizes[0];
            for (var i = 1; i < paths.Length; i++)
            {
                if (sizes[i] != first)
                    throw new InvalidDataException(
                        $"Mixed image sizes: '{names[0]}' is {first.W}x{first.H} but '{names[i]}' is {sizes[i].W}x{sizes[i].H}; give a target size (--size) to resize.");
            }
        }
        return new Decoded(rgb, sizes[0].W, sizes[0].H, gray.All(g => g));
    }

    private static (byte[] Rgb, (int W, int H) Size, bool Gray) DecodeOne(string path, ImageSize? target)
    {
        using var codec = SKCodec.Create(path)
            ?? throw new InvalidDataException($"Cannot decode image '{path}' (not a valid PNG/JPEG).");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"Cannot decode image '{path}' ({result}).");
        var source = bitmap;
        SKBitmap? resized = null;
        try
        {
            if (target is { } t && (t.Width != info.Width || t.Height != info.Height))
            {
                resized = bitmap.Resize(new SKImageInfo(t.Width, t.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
                    new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
                    ?? throw new InvalidDataException($"Cannot resize image '{path}' to {t}.");
                source = resized;
            }
            var rgba = source.GetPixelSpan();
            var n = source.Width * source.Height;
            var rgb = new byte[3 * n];
            var gray = true;
            for (var p = 0; p < n; p++)
            {
                byte r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
                rgb[3 * p] = r;
                rgb[3 * p + 1] = g;
                rgb[3 * p + 2] = b;
                gray &= r == g && g == b;
            }
            return (rgb, (source.Width, source.Height), gray);
        }
        finally
        {
            resized?.Dispose();
        }
    }

    private static int Collect(DirectoryInfo dir, string realRoot, string root, List<FileInfo> found, HashSet<string> visited)
    {
        if (!visited.Add(RealPath(dir))) return 0;
        var ignored = 0;
        foreach (var entry in dir.EnumerateFileSystemInfos())
        {
            var resolved = CheckInside(entry, realRoot, root);
            if (resolved is DirectoryInfo) ignored += Collect(new DirectoryInfo(entry.FullName), realRoot, root, found, visited);
            else if (resolved is FileInfo && Extensions.Contains(entry.Extension)) found.Add(new FileInfo(entry.FullName));
            else ignored++;
        }
        return ignored;
    }

    /// <summary>Returns the entry or its final link target; throws when a link leaves the root or dangles.</summary>
    private static FileSystemInfo CheckInside(FileSystemInfo entry, string realRoot, string root)
    {
        if (entry.LinkTarget is null) return entry;
        FileSystemInfo? target;
        try
        {
            target = entry.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException e)
        {
            throw new InvalidDataException($"{root}: cannot resolve symbolic link '{entry.FullName}' ({e.Message}).", e);
        }
        if (target is null || !target.Exists)
            throw new InvalidDataException($"{root}: symbolic link '{entry.FullName}' points to a missing target.");
        var real = RealPath(target);
        if (!IsUnder(real, realRoot))
            throw new InvalidDataException($"{root}: '{entry.FullName}' is a symbolic link to '{real}', outside the input folder.");
        return target;
    }

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    /// <summary>The fully resolved path (every symbolic link in every component followed, as realpath(3)).</summary>
    private static string RealPath(FileSystemInfo info)
    {
        var resolved = realpath(Path.GetFullPath(info.FullName), IntPtr.Zero);
        if (resolved == IntPtr.Zero)
            throw new InvalidDataException($"Cannot resolve the real path of '{info.FullName}' (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).");
        try
        {
            return System.Runtime.InteropServices.Marshal.PtrToStringUTF8(resolved)!;
        }
        finally
        {
            free(resolved);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern void free(IntPtr ptr);
}
