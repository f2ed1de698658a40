using Microsoft.Extensions.Configuration;

namespace ConfigCenter.Client;

/// <summary>Adds ConfigCenter to an <see cref="IConfigurationBuilder"/>.</summary>
public static class ConfigCenterConfigurationExtensions
{
    /// <summary>
    /// Adds ConfigCenter with the settings of the <c>ConfigCenter</c> section of the configuration built so far
    /// (appsettings.json, environment variables such as <c>ConfigCenter__App</c>, command line).
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <returns>The same builder.</returns>
    public static IConfigurationBuilder AddConfigCenter(this IConfigurationBuilder builder) => builder.AddConfigCenter(_ => { });

    /// <summary>Adds ConfigCenter for <paramref name="app"/> in <paramref name="environment"/>; other settings come from the <c>ConfigCenter</c> section.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="app">The application id.</param>
    /// <param name="environment">The environment slug.</param>
    /// <returns>The same builder.</returns>
    public static IConfigurationBuilder AddConfigCenter(this IConfigurationBuilder builder, string app, string environment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(environment);
        return builder.AddConfigCenter(o =>
        {
            o.App = app;
            o.Environment = environment;
        });
    }

    /// <summary>
    /// Adds ConfigCenter: options are first bound from the <c>ConfigCenter</c> section of the configuration built
    /// so far, then <paramref name="configure"/> runs, so code wins over configuration.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same builder.</returns>
    public static IConfigurationBuilder AddConfigCenter(this IConfigurationBuilder builder, Action<ConfigCenterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ConfigCenterOptions();
        BindSection(builder, options);
        configure(options);
        return builder.Add(new ConfigCenterConfigurationSource { Options = options });
    }

    private static void BindSection(IConfigurationBuilder builder, ConfigCenterOptions options)
    {
        // A ConfigurationManager (WebApplicationBuilder.Configuration) is already the configuration built so far;
        // a plain builder is built once, without the ConfigCenter source that is not added yet.
        if (builder is IConfiguration configuration)
        {
            Bind(configuration.GetSection(ConfigCenterOptions.SectionName), options);
            return;
        }
        var built = builder.Build();
        try
        {
            Bind(built.GetSection(ConfigCenterOptions.SectionName), options);
        }
        finally
        {
            (built as IDisposable)?.Dispose();
        }
    }

    private static void Bind(IConfigurationSection section, ConfigCenterOptions options)
    {
        // Lists from configuration replace the defaults instead of being appended to them.
        if (section.GetSection(nameof(ConfigCenterOptions.Namespaces)).GetChildren().Any()) options.Namespaces = [];
        section.Bind(options);
    }
}
