namespace HardSamples.Cli;

/// <summary>The <c>hardsamples</c> command line.</summary>
public static class Program
{
    /// <summary>Parses and runs one command.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("hardsamples run: not implemented yet");
        return 2;
    }
}
