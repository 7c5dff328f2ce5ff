namespace Introspection.Client.Tests.Registration;

/// <summary>
/// The registrar checks an endpoint against the wire contract before it sends anything: the registry would answer
/// INVALID_ARGUMENT to every attempt and the renewal loop would retry it for ever.
/// </summary>
public sealed class InstanceRegistrationValidationTests
{
    private static readonly InstanceRegistration s_valid = new() { App = "billing", InstanceId = "billing-1", Host = "10.0.0.7", Port = 8080 };

    [Theory]
    [InlineData("App")]
    [InlineData("InstanceId")]
    [InlineData("Host")]
    [InlineData("Port")]
    [InlineData("Revision")]
    [InlineData("Namespace")]
    [InlineData("Labels")]
    [InlineData("Services")]
    public async Task AddEndpoint_FieldBreaksWireContract_ThrowsNamingTheField(string field)
    {
        await using var registrar = new IntrospectionRegistrar(Options());
        var instance = Break(s_valid, field);

        var error = Assert.Throws<ArgumentException>(() => registrar.AddEndpoint(instance));

        Assert.Equal("instance", error.ParamName);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddEndpoint_SeveralFieldsInvalid_NamesEveryOne()
    {
        await using var registrar = new IntrospectionRegistrar(Options());

        var error = Assert.Throws<ArgumentException>(() => registrar.AddEndpoint(s_valid with { App = "bad app", Port = 0, Revision = "v1" }));

        Assert.Contains("App", error.Message, StringComparison.Ordinal);
        Assert.Contains("Port", error.Message, StringComparison.Ordinal);
        Assert.Contains("Revision", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAsync_InvalidRevision_ThrowsAndKeepsTheRegisteredValue()
    {
        await using var registrar = new IntrospectionRegistrar(Options());
        await using var lease = registrar.AddEndpoint(s_valid);

        await Assert.ThrowsAsync<ArgumentException>(() => lease.UpdateAsync(s_valid with { Revision = "not-a-revision" }).WaitAsync(TestTimeouts.Short));

        Assert.Equal("0", lease.Instance.Revision);
    }

    private static InstanceRegistration Break(InstanceRegistration valid, string field) => field switch
    {
        "App" => valid with { App = "bad app" },
        "InstanceId" => valid with { InstanceId = new string('i', 201) },
        "Host" => valid with { Host = "bad host!" },
        "Port" => valid with { Port = 65536 },
        "Revision" => valid with { Revision = "ABC" },
        "Namespace" => valid with { Namespace = "bad/ns" },
        "Labels" => valid with { Labels = new Dictionary<string, string> { ["bad key"] = "v" } },
        "Services" => valid with { Services = ["not a service"] },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    // Nothing listens there: validation must fail before any call is attempted.
    private static IntrospectionRegistrarOptions Options()
    {
        var options = new IntrospectionRegistrarOptions();
        options.Registries.Add($"http://127.0.0.1:{FreePort.Get()}");
        return options;
    }
}
