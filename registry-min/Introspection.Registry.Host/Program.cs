using Introspection.Registry;

var app = RegistryApplication.Build(args);
await app.RunAsync().ConfigureAwait(false);
