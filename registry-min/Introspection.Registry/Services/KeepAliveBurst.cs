using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Stores;

namespace Introspection.Registry.Services;

/// <summary>
/// The requests one KeepAlive stream had already received, in arrival order, each with its response
/// once known. Requests refused before the store (bad input, missing grant) are answered in place; the
/// rest are renewed together by one <see cref="IRegistryStore.RenewBatchAsync"/> call. Reused across the
/// stream's bursts, so a steady stream allocates no lists.
/// </summary>
internal sealed class KeepAliveBurst(int capacity)
{
    private readonly List<KeepAliveRequest?> _requests = new(capacity);
    private readonly List<KeepAliveResponse?> _responses = new(capacity);
    private readonly List<int> _pending = new(capacity);
    private readonly List<LeaseRenewal> _renewals = new(capacity);

    public int Count => _requests.Count;

    public bool IsFull => _requests.Count >= capacity;

    public void Add(KeepAliveRequest request)
    {
        _requests.Add(request);
        _responses.Add(null);
    }

    /// <summary>A position answered without a request (a frame that did not parse).</summary>
    public void AddAnswered(KeepAliveResponse response)
    {
        _requests.Add(null);
        _responses.Add(response);
    }

    /// <summary>The request at <paramref name="index"/> while it is unanswered; null once answered.</summary>
    public KeepAliveRequest? Request(int index) => _responses[index] is null ? _requests[index] : null;

    public void Answer(int index, KeepAliveResponse response) => _responses[index] = response;

    public KeepAliveResponse Response(int index) =>
        _responses[index] ?? throw new InvalidOperationException($"KeepAlive request {index} of the burst was never answered.");

    /// <summary>The renewals <see cref="Renew"/> collected, in order; <see cref="AnswerPending"/> answers them by the same positions.</summary>
    public IReadOnlyList<LeaseRenewal> Renewals => _renewals;

    /// <summary>The request at <paramref name="index"/> goes to the store as <paramref name="renewal"/>.</summary>
    public void Renew(int index, LeaseRenewal renewal)
    {
        _pending.Add(index);
        _renewals.Add(renewal);
    }

    /// <summary>Answers every request collected by <see cref="Renew"/>: <paramref name="answer"/> gets its position among the renewals and the request.</summary>
    public void AnswerPending(Func<int, KeepAliveRequest, KeepAliveResponse> answer)
    {
        for (var position = 0; position < _pending.Count; position++)
        {
            var index = _pending[position];
            _responses[index] = answer(position, _requests[index]!);
        }
    }

    /// <summary>Answers every collected request alike (the store failed for all of them).</summary>
    public void AnswerAllPending(Func<KeepAliveRequest, KeepAliveResponse> answer) =>
        AnswerPending((_, request) => answer(request));

    public void Clear()
    {
        _requests.Clear();
        _responses.Clear();
        _pending.Clear();
        _renewals.Clear();
    }
}
