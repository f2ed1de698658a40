namespace ConfigCenter.Cli;

/// <summary>The exit codes documented in docs/cli.md; diff and apply's plan use 1 so a pipeline can gate on it.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>diff found differences; apply (plan) found changes to make.</summary>
    public const int Differences = 1;

    /// <summary>Bad input, a server error, or the server could not be reached.</summary>
    public const int Error = 2;
}
