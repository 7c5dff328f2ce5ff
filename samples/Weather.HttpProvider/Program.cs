using Introspection.Provider;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

// An HTTP-only provider: minimal APIs, no gRPC service of its own. With DescribeHttpEndpoints (appsettings.json) its
// metadata lists its routes and methods (GET /weather/{city}, GET /whoami), so consumers and the gateway can pick
// instances by route; it registers as app "weather" and still serves the metadata endpoint (gRPC) on the same port.
//   dotnet run --project samples/Weather.HttpProvider -- --urls http://127.0.0.1:5201
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// One cleartext port serves the HTTP API and the gRPC metadata endpoint, so it speaks HTTP/2 only ("prior
// knowledge", h2c): Kestrel cannot offer HTTP/1.1 and HTTP/2 on one port without TLS. Callers use HTTP/2 (the
// gateway's cluster sets Version 2; an HttpClient sets DefaultRequestVersion 2.0 with RequestVersionExact).
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
builder.Services.AddIntrospectionProvider();

var app = builder.Build();
var instance = app.Services.GetRequiredService<IOptions<IntrospectionProviderOptions>>().Value.InstanceId ?? Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
string[] summaries = ["sunny", "cloudy", "rain", "snow", "fog"];

app.MapGet("/weather/{city}", (string city) => Results.Ok(new
{
    City = city,
    Summary = summaries[(uint)StringComparer.Ordinal.GetHashCode(city) % summaries.Length],
    Instance = instance,
}));
app.MapGet("/whoami", () => Results.Text(instance));
app.MapIntrospectionMetadata();
await app.RunAsync().ConfigureAwait(false);
