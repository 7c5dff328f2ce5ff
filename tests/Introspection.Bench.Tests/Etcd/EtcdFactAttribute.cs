using Introspection.Bench.Etcd;

namespace Introspection.Bench.Tests.Etcd;

/// <summary>
/// A fact that needs a real etcd: skipped, saying why, only when no <c>etcd</c> binary is installed
/// (the test command, test.sh, installs Debian's etcd-server when it is missing).
/// </summary>
public sealed class EtcdFactAttribute : FactAttribute
{
    public EtcdFactAttribute()
    {
        if (EtcdProcess.FindExecutable() is null)
        {
            Skip = "etcd is not installed and could not be installed here (apt-get install -y etcd-server; test.sh does it)";
        }
    }
}
