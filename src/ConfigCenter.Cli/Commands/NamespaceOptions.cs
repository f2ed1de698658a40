using System.CommandLine;
using ConfigCenter.Cli.Api;

namespace ConfigCenter.Cli.Commands;

/// <summary>-a APP -e ENV -n NAMESPACE, new instances per command so each command's help lists them.</summary>
internal sealed class NamespaceOptions
{
    public Option<string> App { get; } = new("--app", "-a") { Description = "The app id.", Required = true };
    public Option<string> Env { get; } = new("--env", "-e") { Description = "The environment id.", Required = true };
    public Option<string> Namespace { get; } = new("--namespace", "-n") { Description = "The namespace.", DefaultValueFactory = _ => "application" };

    public static NamespaceOptions AddTo(Command command, bool withNamespace = true)
    {
        var options = new NamespaceOptions();
        command.Add(options.App);
        command.Add(options.Env);
        if (withNamespace) command.Add(options.Namespace);
        return options;
    }

    public NamespaceRef Read(ParseResult parse) => new(parse.GetRequiredValue(App), parse.GetRequiredValue(Env), parse.GetValue(Namespace) ?? "application");
}
