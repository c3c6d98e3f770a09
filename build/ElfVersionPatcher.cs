// Shared by the MSBuild inline task in build/TorchSharpNativeFix.targets and by the GpuRunner tests
// (compiled there with HARDSAMPLES_NO_MSBUILD_TASK). Plain netstandard2.0 C#: no Span/BinaryPrimitives.
#nullable enable
using System;
using System.IO;
using System.Text;

namespace HardSamples.Build;

/// <summary>
/// Reads and edits the ELF64 little-endian <c>.gnu.version_r</c> (SHT_GNU_verneed) section: marks one required
/// symbol version (a vernaux entry such as <c>GLIBCXX_3.4.32</c>) as weak, so the dynamic loader accepts a
/// library whose dependency lacks that version (the symbol bound to it must then be unused at run time).
/// </summary>
public static class ElfVersionPatcher
{
    /// <summary>VER_FLG_WEAK from elf.h.</summary>
    public const ushort VerFlagWeak = 2;

    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>What an ELF file says about one required version.</summary>
    public enum VersionState
    {
        /// <summary>The file does not require that version.</summary>
        Absent,
        /// <summary>Required, and a missing version would stop the load.</summary>
        Strong,
        /// <summary>Required but marked weak.</summary>
        Weak,
    }

    /// <summary>State of the vernaux entry named <paramref name="version"/> in <paramref name="path"/>.</summary>
    public static VersionState Inspect(string path, string version)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = FindVernaux(bytes, version, path);
        if (offset < 0) return VersionState.Absent;
        return (ReadU16(bytes, offset + 4) & VerFlagWeak) != 0 ? VersionState.Weak : VersionState.Strong;
    }

    /// <summary>
    /// Sets (or clears, with <paramref name="weak"/> false) the weak flag of the vernaux entry named
    /// <paramref name="version"/>. Writes only when the flag changes, through a temporary file moved over the
    /// original (a hard link to the original is never modified), keeping the original timestamp so incremental
    /// copies still see the file as up to date. Returns true when the file changed.
    /// </summary>
    /// <exception cref="InvalidDataException">Not an ELF64 little-endian file, a malformed section, or the version is not required.</exception>
    public static bool SetWeak(string path, string version, bool weak = true)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = FindVernaux(bytes, version, path);
        if (offset < 0)
            throw new InvalidDataException($"{path}: no required symbol version '{version}' in .gnu.version_r.");
        var flags = ReadU16(bytes, offset + 4);
        var wanted = weak ? (ushort)(flags | VerFlagWeak) : (ushort)(flags & ~VerFlagWeak);
        if (wanted == flags) return false;
        bytes[offset + 4] = (byte)(wanted & 0xff);
        bytes[offset + 5] = (byte)(wanted >> 8);

        // Copy (keeps the permission bits), patch the copy, then rename it over the original: a hard link to the
        // original (e.g. in a package cache) is never modified. The original timestamp is kept so incremental
        // copy steps still see the file as up to date.
        var lastWrite = File.GetLastWriteTimeUtc(path);
        var temp = path + ".weakver.tmp";
        File.Copy(path, temp, true);
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
        {
            stream.Position = offset + 4;
            stream.Write(bytes, offset + 4, 2);
        }
        File.SetLastWriteTimeUtc(temp, lastWrite);
        File.Replace(temp, path, null);
        return true;
    }

    /// <summary>True when the shared library at <paramref name="libraryPath"/> defines symbol version <paramref name="version"/>.</summary>
    public static bool LibraryDefinesVersion(string libraryPath, string version)
    {
        var bytes = File.ReadAllBytes(libraryPath);
        var needle = Encoding.ASCII.GetBytes("\0" + version + "\0");
        return IndexOf(bytes, needle) >= 0;
    }

    /// <summary>File offset of the vernaux entry for <paramref name="version"/>, or -1.</summary>
    private static int FindVernaux(byte[] b, string version, string path)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException($"{path}: not an ELF file.");
        if (b[4] != 2 || b[5] != 1)
            throw new InvalidDataException($"{path}: only ELF64 little-endian files are supported (class {b[4]}, data {b[5]}).");
        var shoff = ReadU64(b, 0x28);
        int shentsize = ReadU16(b, 0x3A);
        int shnum = ReadU16(b, 0x3C);
        if (shentsize < 64 || shoff <= 0 || shoff + (long)shnum * shentsize > b.Length)
            throw new InvalidDataException($"{path}: section header table out of bounds.");
        for (var i = 0; i < shnum; i++)
        {
            var sh = checked((int)(shoff + (long)i * shentsize));
            if (ReadU32(b, sh + 4) != ShtGnuVerneed) continue;
            var secOffset = ReadU64(b, sh + 0x18);
            var secSize = ReadU64(b, sh + 0x20);
            var link = (int)ReadU32(b, sh + 0x28);
            var count = (int)ReadU32(b, sh + 0x2C);
            if (secOffset + secSize > b.Length || link >= shnum)
                throw new InvalidDataException($"{path}: .gnu.version_r section out of bounds.");
            var strSh = checked((int)(shoff + (long)link * shentsize));
            var strOffset = ReadU64(b, strSh + 0x18);
            var strSize = ReadU64(b, strSh + 0x20);
            var vn = (int)secOffset;
            for (var n = 0; n < count; n++)
            {
                CheckRange(vn, 16, secOffset, secSize, path);
                int auxCount = ReadU16(b, vn + 2);
                var aux = vn + (int)ReadU32(b, vn + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    CheckRange(aux, 16, secOffset, secSize, path);
                    var name = ReadString(b, strOffset, strSize, ReadU32(b, aux + 8), path);
                    if (name == version) return aux;
                    var nextAux = ReadU32(b, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                var next = ReadU32(b, vn + 12);
                if (next == 0) break;
                vn += (int)next;
            }
        }
        return -1;
    }

    private static void CheckRange(int at, int size, long secOffset, long secSize, string path)
    {
        if (at < secOffset || at + size > secOffset + secSize)
            throw new InvalidDataException($"{path}: .gnu.version_r entry at {at} lies outside its section.");
    }

    private static string ReadString(byte[] b, long strOffset, long strSize, uint index, string path)
    {
        if (index >= strSize || strOffset + strSize > b.Length)
            throw new InvalidDataException($"{path}: version name index {index} outside .dynstr.");
        var start = (int)(strOffset + index);
        var end = start;
        while (end < strOffset + strSize && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, start, end - start);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            if (haystack[i] != needle[0]) continue;
            var j = 1;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    private static ushort ReadU16(byte[] b, int at) => (ushort)(b[at] | (b[at + 1] << 8));

    private static uint ReadU32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

    private static long ReadU64(byte[] b, int at) => (long)(ReadU32(b, at) | ((ulong)ReadU32(b, at + 4) << 32));
}

#if !HARDSAMPLES_NO_MSBUILD_TASK
/// <summary>
/// MSBuild task: marks <see cref="Version"/> weak in every <see cref="Files"/> item, but only when the system
/// C++ runtime (<see cref="SystemLibrary"/>) does not define that version. A no-op on newer systems.
/// </summary>
public sealed class MarkElfVersionWeak : Microsoft.Build.Utilities.Task
{
    /// <summary>Libraries to patch (copies in an output or publish folder, never the package cache).</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    /// <summary>The required version to weaken, e.g. GLIBCXX_3.4.32.</summary>
    [Microsoft.Build.Framework.Required]
    public string Version { get; set; } = "";

    /// <summary>Candidate paths of the system library that should define the version (first existing wins).</summary>
    public string[] SystemLibrary { get; set; } = Array.Empty<string>();

    /// <summary>Folder never to modify (the NuGet package root).</summary>
    public string ProtectedRoot { get; set; } = "";

    /// <inheritdoc />
    public override bool Execute()
    {
        string? system = null;
        foreach (var candidate in SystemLibrary)
        {
            if (File.Exists(candidate)) { system = candidate; break; }
        }
        if (system is null)
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "MarkElfVersionWeak: no system libstdc++ found; nothing to do.");
            return true;
        }
        if (ElfVersionPatcher.LibraryDefinesVersion(system, Version))
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"MarkElfVersionWeak: {system} defines {Version}; nothing to do.");
            return true;
        }
        var protectedRoot = string.IsNullOrEmpty(ProtectedRoot) ? null : Path.GetFullPath(ProtectedRoot).TrimEnd('/') + "/";
        foreach (var item in Files)
        {
            var path = Path.GetFullPath(item.ItemSpec);
            if (protectedRoot is not null && path.StartsWith(protectedRoot, StringComparison.Ordinal))
            {
                Log.LogError($"MarkElfVersionWeak: refusing to modify '{path}' inside the package cache '{protectedRoot}'.");
                return false;
            }
            try
            {
                var changed = ElfVersionPatcher.SetWeak(path, Version);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                    changed ? $"MarkElfVersionWeak: marked {Version} weak in {path} ({system} lacks it)." : $"MarkElfVersionWeak: {path} already weak.");
            }
            catch (InvalidDataException e)
            {
                Log.LogError($"MarkElfVersionWeak: {e.Message}");
                return false;
            }
        }
        return !Log.HasLoggedErrors;
    }
}
#endif
