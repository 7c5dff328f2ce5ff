namespace Introspection.Client.Tests.Resolution;

public class ServiceTargetTests
{
    [Fact]
    public void Parse_FullUri_ReadsServiceGroupVersionApp()
    {
        var target = ServiceTarget.Parse(new Uri("introspect:///greet.Greeter?group=a&version=2&app=orders"));

        Assert.Equal("greet.Greeter", target.Service);
        Assert.Equal("a", target.Group);
        Assert.Equal("2", target.Version);
        Assert.Equal("orders", target.App);
    }

    [Fact]
    public void Parse_ServiceOnly_LeavesFiltersNull()
    {
        var target = ServiceTarget.Parse(new Uri("introspect:///greet.Greeter"));

        Assert.Equal(new ServiceTarget("greet.Greeter"), target);
        Assert.Null(target.Group);
        Assert.Null(target.Version);
        Assert.Null(target.App);
    }

    [Fact]
    public void Parse_EscapedValue_IsUnescapedAndRoundTrips()
    {
        var target = ServiceTarget.Parse(new Uri("introspect:///greet.Greeter?group=blue%20green"));

        Assert.Equal("blue green", target.Group);
        Assert.Equal(target, ServiceTarget.Parse(target.ToUri()));
    }

    [Fact]
    public void Parse_ConfigurationForm_ReadsQuery()
    {
        var target = ServiceTarget.Parse("greet.Greeter?version=2");

        Assert.Equal("greet.Greeter", target.Service);
        Assert.Equal("2", target.Version);
    }

    [Theory]
    [InlineData("dns:///greet.Greeter", "scheme")]
    [InlineData("introspect://greet.Greeter", "three slashes")]
    [InlineData("introspect:///", "service name is missing")]
    [InlineData("introspect:///greet.Greeter?zone=a", "unknown query parameter 'zone'")]
    [InlineData("introspect:///greet.Greeter?group=a&group=b", "more than once")]
    [InlineData("introspect:///greet.Greeter?group=", "empty value")]
    [InlineData("introspect:///greet/Greeter", "contains '/'")]
    [InlineData("introspect:///greet.Greeter?app=bad%20app", "app name")]
    [InlineData("introspect:///greet.Greeter#x", "fragment")]
    public void Parse_BadUri_ThrowsFormatExceptionSayingWhy(string uri, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ServiceTarget.Parse(new Uri(uri)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BadServiceName_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new ServiceTarget("greet Greeter"));
        Assert.Throws<ArgumentException>(() => new ServiceTarget(""));
    }
}
