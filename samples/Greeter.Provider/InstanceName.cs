using Grpc.Core;
using Introspection.Provider;

namespace Greeter.Provider;

/// <summary>The "app/instance" shown to callers: the configured instance id, else host:port as the provider registers it by default.</summary>
internal static class InstanceName
{
    public static string Of(IntrospectionProviderOptions options, ServerCallContext context)
    {
        var app = string.IsNullOrEmpty(options.App) ? "greeter" : options.App;
        var instance = options.InstanceId;
        if (string.IsNullOrEmpty(instance))
        {
            var connection = context.GetHttpContext().Connection;
            instance = $"{connection.LocalIpAddress}:{connection.LocalPort}";
        }

        return $"{app}/{instance}";
    }
}
