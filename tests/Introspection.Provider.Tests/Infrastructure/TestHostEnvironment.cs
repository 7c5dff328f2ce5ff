using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Introspection.Provider.Tests.Infrastructure;

internal sealed class TestHostEnvironment : IHostEnvironment
{
    public string EnvironmentName { get; set; } = Environments.Development;
    public string ApplicationName { get; set; } = "env-app";
    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
