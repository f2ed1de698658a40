namespace ConfigCenter.Cli;

/// <summary>A failure the user can act on: printed as one line on stderr, exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message)
{
}
