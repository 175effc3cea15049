using System.Threading.Channels;
using Siamese.Model;

namespace Siamese.Host.Serving;

/// <summary>A gallery search: the query image and how many matches it wants.</summary>
internal sealed record SearchQuery(byte[] Image, int K);

/// <summary>
/// The one thread that makes every libtorch call of <c>serve</c>. Requests post their work and await it; the similarity
/// pairs of the requests waiting together are scored in one <see cref="SiameseModel.Similarities(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{float})"/>
/// call (up to <see cref="MaxBatch"/> pairs), which costs little more than one pair's, and their searches in one ranking
/// of the gallery: concurrent requests share a call's fixed cost instead of paying it one after another.
/// </summary>
internal sealed class ScoringQueue : IDisposable
{
    private readonly SiameseModel _model;
    private readonly Channel<Job> _jobs;
    private readonly Thread _thread;

    private readonly int _torchThreads;
    private readonly Func<IReadOnlyList<SearchQuery>, GalleryMatch[][]> _search;

    /// <param name="search">Runs several searches at once (on this queue's thread).</param>
    /// <param name="maxBatch">Most pairs (and searches) in one call; 1 scores each alone.</param>
    /// <param name="capacity">Jobs waiting at most; a request posting to a full queue waits.</param>
    /// <param name="torchThreads">libtorch's intra-op threads for the scoring thread's calls.</param>
    public ScoringQueue(SiameseModel model, Func<IReadOnlyList<SearchQuery>, GalleryMatch[][]> search, int maxBatch, int capacity, int torchThreads)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(search);
        _search = search;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        _model = model;
        MaxBatch = maxBatch;
        _torchThreads = torchThreads;
        _jobs = Channel.CreateBounded<Job>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _thread = new Thread(Run) { IsBackground = true, Name = "serve scoring" };
        _thread.Start();
    }

    public int MaxBatch { get; }

    private abstract record Job;

    private sealed record PairJob(byte[] Left, byte[] Right, TaskCompletionSource<float> Result) : Job;

    private sealed record SearchJob(SearchQuery Query, TaskCompletionSource<GalleryMatch[]> Result) : Job;

    private sealed record WorkJob(Action Work) : Job;

    /// <summary>The similarity of two raw 0–255 images, scored with whatever other pairs are waiting.</summary>
    public async Task<float> SimilarityAsync(byte[] left, byte[] right, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<float>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _jobs.Writer.WriteAsync(new PairJob(left, right, result), cancellationToken).ConfigureAwait(false);
        return await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <see cref="SearchQuery.K"/> gallery images most similar to a query, searched with whatever other searches are waiting.</summary>
    public async Task<GalleryMatch[]> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<GalleryMatch[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _jobs.Writer.WriteAsync(new SearchJob(query, result), cancellationToken).ConfigureAwait(false);
        return await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> (calls on the model) on the scoring thread, in turn with the pairs.</summary>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            if (cancellationToken.IsCancellationRequested)
            {
                result.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                result.TrySetResult(work());
            }
            catch (Exception e)
            {
                result.TrySetException(e);
            }
        }

        await _jobs.Writer.WriteAsync(new WorkJob(Run), cancellationToken).ConfigureAwait(false);
        return await result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops taking work; what is queued is still done, then the thread ends.</summary>
    public void Dispose()
    {
        _jobs.Writer.TryComplete();
        _thread.Join();
    }

    private void Run()
    {
        TorchRuntime.SetThreads(_torchThreads);
        var reader = _jobs.Reader;
        var pairs = new List<PairJob>(MaxBatch);
        var searches = new List<SearchJob>(MaxBatch);
        int size = _model.InputSize;
        var lefts = new byte[MaxBatch * size];
        var rights = new byte[MaxBatch * size];
        var similarities = new float[MaxBatch];
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var job))
            {
                switch (job)
                {
                    case WorkJob work:
                        work.Work();
                        break;
                    case SearchJob search:
                        searches.Add(search);
                        if (searches.Count == MaxBatch)
                        {
                            Search(searches);
                        }

                        break;
                    case PairJob pair:
                        pairs.Add(pair);
                        pair.Left.CopyTo(lefts, (pairs.Count - 1) * size);
                        pair.Right.CopyTo(rights, (pairs.Count - 1) * size);
                        if (pairs.Count == MaxBatch)
                        {
                            Score(pairs, lefts, rights, similarities);
                        }

                        break;
                }
            }

            Score(pairs, lefts, rights, similarities);
            Search(searches);
        }
    }

    private void Score(List<PairJob> pairs, byte[] lefts, byte[] rights, float[] similarities)
    {
        int n = pairs.Count;
        if (n == 0)
        {
            return;
        }

        int size = _model.InputSize;
        try
        {
            _model.Similarities(lefts.AsSpan(0, n * size), rights.AsSpan(0, n * size), similarities.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                pairs[i].Result.TrySetResult(similarities[i]);
            }
        }
        catch (Exception e)
        {
            foreach (var pair in pairs)
            {
                pair.Result.TrySetException(e);
            }
        }

        pairs.Clear();
    }

    private void Search(List<SearchJob> searches)
    {
        if (searches.Count == 0)
        {
            return;
        }

        try
        {
            var found = _search([.. searches.Select(s => s.Query)]);
            for (int i = 0; i < searches.Count; i++)
            {
                searches[i].Result.TrySetResult(found[i]);
            }
        }
        catch (Exception e)
        {
            foreach (var search in searches)
            {
                search.Result.TrySetException(e);
            }
        }

        searches.Clear();
    }
}
