using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Introspection.Client.Internal;

namespace Introspection.Client.Tests.Resolution;

public class IntrospectionResolverTests
{
    [Fact]
    public void ToResult_Endpoints_AddressesCarryAppInstanceRevisionAndLabels()
    {
        var labels = new Dictionary<string, string> { ["zone"] = "a" };
        var resolution = new ServiceResolution(
            new ServiceTarget("greet.Greeter"),
            [new InstanceEndpoint("10.0.0.1", 5001, "greeter", "p1", "0", labels)],
            Status.DefaultSuccess);

        var result = IntrospectionResolver.ToResult(resolution, roundRobin: true);

        var address = Assert.Single(result.Addresses!);
        Assert.Equal(("10.0.0.1", 5001), (address.EndPoint.Host, address.EndPoint.Port));
        Assert.True(address.Attributes.TryGetValue(IntrospectionBalancerAttributes.App, out var app) && app == "greeter");
        Assert.True(address.Attributes.TryGetValue(IntrospectionBalancerAttributes.InstanceId, out var id) && id == "p1");
        Assert.True(address.Attributes.TryGetValue(IntrospectionBalancerAttributes.Revision, out var revision) && revision == "0");
        Assert.True(address.Attributes.TryGetValue(IntrospectionBalancerAttributes.Labels, out var l) && l["zone"] == "a");
        Assert.IsType<RoundRobinConfig>(Assert.Single(result.ServiceConfig!.LoadBalancingConfigs));
    }

    [Fact]
    public void ToResult_NotDiscovered_IsFailureNamingTheService()
    {
        var target = new ServiceTarget("greet.Greeter", version: "2");
        var resolution = new ServiceResolution(target, [], IntrospectionErrors.ServiceNotDiscovered(target, "test"));

        var result = IntrospectionResolver.ToResult(resolution, roundRobin: true);

        Assert.Equal(StatusCode.Unavailable, result.Status.StatusCode);
        Assert.Contains("'greet.Greeter' (version '2')", result.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, IntrospectionErrors.GetKind(result.Status));
    }

    [Fact]
    public void DefaultServiceConfig_RetriesUnavailableWithRoundRobin()
    {
        var config = IntrospectionGrpcClientConfigurator.CreateDefaultServiceConfig(5);

        Assert.IsType<RoundRobinConfig>(Assert.Single(config.LoadBalancingConfigs));
        var retry = Assert.Single(config.MethodConfigs).RetryPolicy!;
        Assert.Equal(5, retry.MaxAttempts);
        Assert.Equal([StatusCode.Unavailable], retry.RetryableStatusCodes);
    }
}
