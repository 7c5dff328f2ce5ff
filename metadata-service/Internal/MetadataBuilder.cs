using System.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Http;

namespace Introspection.Provider.Internal;

/// <summary>
/// Builds <see cref="MetadataInfo"/> from the endpoints the app actually maps: grpc-dotnet puts a
/// <see cref="GrpcMethodMetadata"/> on every gRPC method endpoint, so nobody lists services by hand.
/// </summary>
internal static class MetadataBuilder
{
    /// <summary>Infrastructure services: consumers never discover an app through them.</summary>
    internal static readonly IReadOnlySet<string> InfrastructureServices = new HashSet<string>(StringComparer.Ordinal)
    {
        MetadataService.Descriptor.FullName,
        Org.Apache.Dubbo.Metadata.MetadataServiceV2.Descriptor.FullName,
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
        "grpc.reflection.v1.ServerReflection",
    };

    public static MetadataInfo Build(string app, IEnumerable<Endpoint> endpoints, IntrospectionProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(options);

        var services = new SortedDictionary<string, (Type ServiceType, SortedSet<string> Methods)>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            var grpc = endpoint.Metadata.GetMetadata<GrpcMethodMetadata>();
            if (grpc is null || InfrastructureServices.Contains(grpc.Method.ServiceName))
            {
                continue;
            }

            if (!services.TryGetValue(grpc.Method.ServiceName, out var entry))
            {
                entry = (grpc.ServiceType, new SortedSet<string>(StringComparer.Ordinal));
                services.Add(grpc.Method.ServiceName, entry);
            }

            // grpc-dotnet maps every method of the generated base class, including the ones the
            // service class never overrides (they answer UNIMPLEMENTED). Those are not served.
            if (IsImplemented(grpc.ServiceType, grpc.Method))
            {
                entry.Methods.Add(grpc.Method.Name);
            }
        }

        var info = new MetadataInfo { App = app };
        foreach (var (name, (serviceType, methods)) in services)
        {
            options.Services.TryGetValue(name, out var serviceOptions);
            if (serviceOptions?.Exclude == true)
            {
                continue;
            }

            var attribute = serviceType.GetCustomAttribute<IntrospectionServiceAttribute>(inherit: true);
            var service = new ServiceInfo
            {
                Name = name,
                Group = serviceOptions?.Group ?? attribute?.Group ?? string.Empty,
                Version = serviceOptions?.Version ?? attribute?.Version ?? string.Empty,
                Protocol = MetadataRevision.DefaultProtocol,
                // 0 = "the instance's registered port": keeps the revision the same on every port.
                Port = 0,
            };
            service.Methods.Add(methods);
            foreach (var parameter in serviceType.GetCustomAttributes<IntrospectionServiceParameterAttribute>(inherit: true))
            {
                service.Params[parameter.Key] = parameter.Value;
            }

            if (serviceOptions is not null)
            {
                foreach (var (key, value) in serviceOptions.Params)
                {
                    service.Params[key] = value ?? string.Empty;
                }
            }

            info.Services.Add(service);
        }

        if (options.DescribeHttpEndpoints)
        {
            HttpEndpointMetadataBuilder.AddTo(info, endpoints);
        }

        info.Revision = MetadataRevision.Compute(info);
        return info;
    }

    internal static bool IsImplemented(Type serviceType, IMethod method)
    {
        var candidates = serviceType.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => string.Equals(m.Name, method.Name, StringComparison.Ordinal) && m.IsVirtual)
            .ToList();
        if (candidates.Count == 0)
        {
            // Not a generated-base service (code-first binders): trust the binder.
            return true;
        }

        foreach (var candidate in candidates)
        {
            var definition = candidate.GetBaseDefinition();
            if (candidate.DeclaringType != definition.DeclaringType)
            {
                return true;
            }
        }

        // Only the generated base's own virtual exists: the service never overrode it.
        return !candidates.All(c => c.DeclaringType?.IsAbstract == true && c.DeclaringType.GetCustomAttribute<BindServiceMethodAttribute>() is not null);
    }
}
