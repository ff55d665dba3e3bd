namespace Edge.Tests.FakeApi;

/// <summary>One LIST answer: items in key order, the list's resourceVersion and paging state.</summary>
internal sealed record ListPage(long ResourceVersion, IReadOnlyList<byte[]> Items, string? Continue, long? RemainingItemCount);
