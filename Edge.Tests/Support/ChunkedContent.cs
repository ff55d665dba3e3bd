namespace Edge.Tests.Support;

/// <summary>A request body sent chunked: HttpClient knows no length, so no Content-Length header goes out.</summary>
public sealed class ChunkedContent(byte[] data) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        for (int i = 0; i < data.Length; i += 1000) await stream.WriteAsync(data.AsMemory(i, Math.Min(1000, data.Length - i)));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
