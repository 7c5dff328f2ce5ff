using Gateway;

// A YARP gateway over Introspection: the cluster's one destination is the app name (http://weather);
// Microsoft.Extensions.ServiceDiscovery.Yarp's destination resolver expands it through ME.SD, where our provider
// (AddIntrospectionServiceEndpointProvider) answers with the app's registered instances and pushes every change
// (change tokens fed by the registry watch), so YARP's destinations follow the registry within moments.
//   dotnet run --project samples/Gateway -- --urls http://127.0.0.1:5400
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.Services.AddServiceDiscoveryCore();
builder.Services.AddIntrospectionServiceEndpointProvider();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();
builder.Services.AddOptions<GatewayRetryOptions>().BindConfiguration(GatewayRetryOptions.SectionName);
builder.Services.AddSingleton<GatewayRetry>();

var app = builder.Build();
var retry = app.Services.GetRequiredService<GatewayRetry>();
app.MapReverseProxy(proxy =>
{
    // Before load balancing, so a retry picks again among the destinations left (YARP itself never retries).
    proxy.Use(retry.InvokeAsync);
    proxy.UseSessionAffinity();
    proxy.UseLoadBalancing();
    proxy.UsePassiveHealthChecks();
});
await app.RunAsync().ConfigureAwait(false);
