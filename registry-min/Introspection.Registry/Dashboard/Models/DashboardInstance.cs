namespace Introspection.Registry.Dashboard.Models;

/// <summary>One instance as the dashboard shows it.</summary>
/// <param name="Id">The instance id.</param>
/// <param name="Host">Where it is reached.</param>
/// <param name="Port">Its port.</param>
/// <param name="Revision">Its metadata revision.</param>
/// <param name="Labels">Its labels (user data: the page renders them as text).</param>
/// <param name="ModRevision">The registry revision of its last change.</param>
/// <param name="AgeSeconds">Seconds since this registry node saw the instance registered (null: registered before the node started).</param>
internal sealed record DashboardInstance(
    string Id,
    string Host,
    int Port,
    string Revision,
    IReadOnlyDictionary<string, string> Labels,
    long ModRevision,
    double? AgeSeconds);
