using System.CommandLine;
using System.Globalization;
using HardSamples.Shared.Datasets;
using Spectre.Console;

namespace HardSamples.Cli.Commands;

/// <summary>Options shared by the dataset commands: how to read the source.</summary>
internal sealed class DatasetOptions
{
    public Argument<string> Path { get; } = new("PATH") { Description = "mnist-sample, fashion-mnist, an IDX folder or file, a .npy file/folder, or an image folder" };

    public Option<string?> Labels { get; } = new("--labels") { Description = "labels .npy for a .npy images file" };

    public Option<string?> Size { get; } = new("--size") { Description = "resize image-folder images to N or WxH" };

    public Option<ColorMode> Color { get; } = new("--color") { Description = "image-folder channels: Auto, Grayscale or Rgb", DefaultValueFactory = _ => ColorMode.Auto };

    public Option<IdxPart> Part { get; } = new("--part") { Description = "IDX part in a folder with both: Auto, Train or Test", DefaultValueFactory = _ => IdxPart.Auto };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Path);
        command.Options.Add(Labels);
        command.Options.Add(Size);
        command.Options.Add(Color);
        command.Options.Add(Part);
    }

    public DatasetReadOptions ReadOptions(ParseResult parseResult)
    {
        var size = parseResult.GetValue(Size);
        return new DatasetReadOptions(parseResult.GetValue(Labels), size is null ? null : ImageSize.Parse(size), parseResult.GetValue(Color), parseResult.GetValue(Part));
    }

    /// <summary>A Spectre console writing to the invocation's output; plain text (no ANSI) unless that is an interactive terminal.</summary>
    public static IAnsiConsole Console(ParseResult parseResult, bool error = false)
    {
        var writer = error ? parseResult.InvocationConfiguration.Error : parseResult.InvocationConfiguration.Output;
        var terminal = error ? !System.Console.IsErrorRedirected && ReferenceEquals(writer, System.Console.Error)
                             : !System.Console.IsOutputRedirected && ReferenceEquals(writer, System.Console.Out);
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
