using HardSamples.Build;
using HardSamples.TestSupport;

namespace HardSamples.GpuRunner.Tests.Torch;

public sealed class ElfVersionPatcherTests
{
    private const string Version = "GLIBCXX_3.4.32";
    private const string SystemLibstdcxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";

    private static string OutputLibrary
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
            Assert.True(File.Exists(path), $"{path} missing from the test output");
            return path;
        }
    }

    [Fact]
    public void ClearsAndSetsTheWeakFlagOnACopyIdempotently()
    {
        using var dir = new TempDirectory("elf");
        var copy = dir.File("libLibTorchSharp.so");
        File.Copy(OutputLibrary, copy);
        var original = File.ReadAllBytes(copy);

        ElfVersionPatcher.SetWeak(copy, Version, weak: false);
        Assert.Equal(ElfVersionPatcher.VersionState.Strong, ElfVersionPatcher.Inspect(copy, Version));

        Assert.True(ElfVersionPatcher.SetWeak(copy, Version));
        Assert.Equal(ElfVersionPatcher.VersionState.Weak, ElfVersionPatcher.Inspect(copy, Version));
        Assert.False(ElfVersionPatcher.SetWeak(copy, Version)); // idempotent: no second write

        ElfVersionPatcher.SetWeak(copy, Version, weak: false);
        var strong = File.ReadAllBytes(copy);
        ElfVersionPatcher.SetWeak(copy, Version);
        var weak = File.ReadAllBytes(copy);
        Assert.Equal(original.Length, weak.Length);
        var differing = Enumerable.Range(0, weak.Length).Where(i => weak[i] != strong[i]).ToArray();
        Assert.Single(differing); // exactly one byte: the low byte of vna_flags
        Assert.Equal(ElfVersionPatcher.VerFlagWeak, weak[differing[0]] & ~strong[differing[0]]);
    }

    [Fact]
    public void TheBuildMarkedTheOutputCopyWeakExactlyWhenTheSystemLacksTheVersion()
    {
        var systemHasIt = File.Exists(SystemLibstdcxx) && ElfVersionPatcher.LibraryDefinesVersion(SystemLibstdcxx, Version);
        var state = ElfVersionPatcher.Inspect(OutputLibrary, Version);
        Assert.NotEqual(ElfVersionPatcher.VersionState.Absent, state);
        if (!systemHasIt) Assert.Equal(ElfVersionPatcher.VersionState.Weak, state);
    }

    [Fact]
    public void DetectsVersionsTheSystemLibraryDefines()
    {
        Assert.True(ElfVersionPatcher.LibraryDefinesVersion(SystemLibstdcxx, "GLIBCXX_3.4"));
        Assert.False(ElfVersionPatcher.LibraryDefinesVersion(SystemLibstdcxx, "GLIBCXX_9.9.99"));
    }

    [Fact]
    public void RejectsNonElfFilesAndMissingVersions()
    {
        using var dir = new TempDirectory("elf");
        var text = dir.File("not-elf.so");
        File.WriteAllText(text, "definitely not an ELF file, but long enough to have a header of sixty-four bytes.");
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.Inspect(text, Version));
        Assert.Contains("not an ELF", e.Message);

        var copy = dir.File("lib.so");
        File.Copy(OutputLibrary, copy);
        Assert.Equal(ElfVersionPatcher.VersionState.Absent, ElfVersionPatcher.Inspect(copy, "GLIBCXX_9.9.99"));
        Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.SetWeak(copy, "GLIBCXX_9.9.99"));
    }
}
