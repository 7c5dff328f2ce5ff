namespace Introspection.Provider.Tests.TestServices;

/// <summary>Maps greet.Greeter without overriding SayHello: every call answers UNIMPLEMENTED.</summary>
public sealed class UnimplementedGreeterService : Greeter.Contracts.Greeter.GreeterBase
{
}
