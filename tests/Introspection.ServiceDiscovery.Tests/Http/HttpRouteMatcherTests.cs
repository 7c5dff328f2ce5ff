using Introspection.Client.Internal;

namespace Introspection.ServiceDiscovery.Tests.Http;

public sealed class HttpRouteMatcherTests
{
    [Theory]
    [InlineData("/weather/{city}", "/weather/paris", true)]
    [InlineData("/weather/{city}", "/WEATHER/paris", true)]
    [InlineData("/weather/{city}", "/weather/paris?units=metric", true)]
    [InlineData("/weather/{city}", "/weather", false)]
    [InlineData("/weather/{city}", "/weather/paris/today", false)]
    [InlineData("/weather/{city?}", "/weather", true)]
    [InlineData("/weather/{city=paris}", "/weather", true)]
    [InlineData("/files/{**path}", "/files/a/b/c", true)]
    [InlineData("/files/{*path}", "/files", true)]
    [InlineData("/orders/{id:int}", "/orders/42", true)]
    [InlineData("/", "/", true)]
    [InlineData("/", "/x", false)]
    [InlineData("/carts", "/cart", false)]
    public void Matches_PathAgainstTemplate_AsRoutingWould(string template, string path, bool expected) =>
        Assert.Equal(expected, HttpRouteMatcher.Matches(template, path));
}
