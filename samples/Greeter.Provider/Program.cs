using Greeter.Provider;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// A Greeter provider: serves greet.Greeter and greet.Farewell, describes them in its metadata
// (MapIntrospectionMetadata) and registers with the registry (AddIntrospectionProvider).
// Configuration: appsettings.json, then environment, then the command line, e.g.
//   dotnet run --project samples/Greeter.Provider -- --urls http://127.0.0.1:5101
// The content root is the build output, so appsettings.json is found wherever the sample is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// gRPC without TLS needs HTTP/2 only ("prior knowledge"): a plain-text endpoint cannot negotiate it.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
builder.Services.AddIntrospectionProvider();

var app = builder.Build();
app.MapGrpcService<GreeterService>();
app.MapGrpcService<FarewellService>();
app.MapIntrospectionMetadata();
await app.RunAsync().ConfigureAwait(false);
