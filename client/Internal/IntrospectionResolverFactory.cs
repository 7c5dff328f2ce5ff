using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Internal;

/// <summary>grpc-dotnet resolver factory for <c>introspect:///service[?group=..&amp;version=..&amp;app=..]</c>.</summary>
internal sealed class IntrospectionResolverFactory(IntrospectionClient client, IOptions<IntrospectionClientOptions> options) : ResolverFactory
{
    public override string Name => ServiceTarget.Scheme;

    public override Resolver Create(ResolverOptions options1)
    {
        ArgumentNullException.ThrowIfNull(options1);
        if (!ServiceTarget.TryParse(options1.Address, out var target, out var error))
        {
            throw new InvalidOperationException(error);
        }

        return new IntrospectionResolver(client, target, options.Value.ApplyDefaultServiceConfig);
    }
}
