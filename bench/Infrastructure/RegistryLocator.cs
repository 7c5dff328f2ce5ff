namespace Introspection.Bench.Infrastructure;

/// <summary>Finds the built registry host (<c>Introspection.Registry.Host.dll</c>) to start as a separate process.</summary>
internal static class RegistryLocator
{
    public static string Find(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath)
                ? Path.GetFullPath(explicitPath)
                : throw new FileNotFoundException($"--registry-dll {explicitPath} does not exist");
        }

        // Lets CI or a developer point every run (tests included) at another registry build.
        var fromEnvironment = Environment.GetEnvironmentVariable("INTROSPECTION_REGISTRY_DLL");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        // The bench references the registry host project, so the build copies the host's dll,
        // runtimeconfig and deps next to ours: the same code the bench was built against.
        var beside = Path.Combine(AppContext.BaseDirectory, "Introspection.Registry.Host.dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }

        throw new FileNotFoundException(
            "Introspection.Registry.Host.dll with its runtimeconfig was not found beside the bench; build registry-min/Introspection.Registry.Host and pass --registry-dll PATH");
    }
}
