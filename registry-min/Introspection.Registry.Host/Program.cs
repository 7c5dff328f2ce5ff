using Introspection.Registry;
using Introspection.Registry.Security;

var app = RegistryApplication.Build(args);
try
{
    await app.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (InsecureRegistryException ex)
{
    // The secure default (no authentication, not only loopback): the one line that says how to fix it, no stack trace.
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 2;
}
