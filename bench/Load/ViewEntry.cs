namespace Introspection.Bench.Load;

/// <summary>What a consumer knows of one instance.</summary>
internal readonly record struct ViewEntry(long ModRevision, string Revision, string Host, int Port);
