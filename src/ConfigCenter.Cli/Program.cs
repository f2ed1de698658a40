using System.CommandLine;
using ConfigCenter.Cli.Commands;

namespace ConfigCenter.Cli;

/// <summary>The configcenter tool. <see cref="RunAsync"/> is the whole program, so tests run it in-process.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await RunAsync(args, CliConsole.FromProcess(), cancel.Token);
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken ct = default)
    {
        var root = CommandTree.Build(console);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await console.Error.WriteLineAsync($"error: {error.Message}");
            return ExitCodes.Error;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (CliException e)
        {
            await console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Error;
        }
        catch (HttpRequestException e)
        {
            await console.Error.WriteLineAsync($"error: cannot reach the server: {e.Message}");
            return ExitCodes.Error;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Error;
        }
        catch (TaskCanceledException)
        {
            // Not our token: HttpClient's timeout.
            await console.Error.WriteLineAsync("error: the server did not answer in time.");
            return ExitCodes.Error;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await console.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Error;
        }
    }
}
