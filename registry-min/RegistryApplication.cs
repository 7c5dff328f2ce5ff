namespace Introspection.Registry;

/// <summary>
/// Builds the registry web application. <c>Program</c> runs it; tests and benchmarks build it
/// in-process (Kestrel on a loopback port 0) with the same code path.
/// </summary>
public static class RegistryApplication
{
    /// <summary>Builds the registry from command-line arguments (appsettings.json, environment and <paramref name="args"/>).</summary>
    public static WebApplication Build(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddGrpc();
        var app = builder.Build();
        return app;
    }
}
