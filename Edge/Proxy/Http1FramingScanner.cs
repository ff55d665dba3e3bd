using System.Buffers;

namespace Edge.Proxy;

/// <summary>
/// Follows the HTTP/1.1 framing of one connection's request bytes, as they arrive, to notice the
/// one smuggling shape Kestrel repairs instead of rejecting: Content-Length together with
/// Transfer-Encoding. Kestrel drops the Content-Length before the application sees the request, so
/// only the raw header block tells. The scanner tracks request lines, header blocks, Content-Length
/// and chunked bodies (so body bytes are never read as headers on keep-alive connections); on
/// anything it does not expect it stops scanning for good (<see cref="Stopped"/>) and flags
/// nothing: Kestrel rejects malformed input itself, and an unflagged request is processed as before.
/// </summary>
public sealed class Http1FramingScanner
{
    private enum State { Line, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailer, Stopped }

    private const int MaxLine = 64 * 1024;
    private State _state = State.Line;
    private bool _inHeaders;            // Line state: false = request line expected, true = header lines
    private readonly byte[] _line = new byte[256];   // the start of the current line (enough for the names we look at)
    private int _lineLength;            // bytes of the current line seen so far (may exceed _line.Length)
    private long _remaining;
    private bool _hasContentLength, _hasTransferEncoding, _upgrade;
    private long _contentLength;

    /// <summary>Header blocks completed so far (request n has index n, starting at 1).</summary>
    public int Requests { get; private set; }

    /// <summary>The index of the first request whose header block carried both framings, or 0.</summary>
    public int AmbiguousRequest { get; private set; }

    public bool Stopped => _state == State.Stopped;

    public void Scan(ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            var span = segment.Span;
            int i = 0;
            while (i < span.Length && _state != State.Stopped)
            {
                switch (_state)
                {
                    case State.Body:
                    case State.ChunkData:
                        int take = (int)Math.Min(_remaining, span.Length - i);
                        i += take;
                        _remaining -= take;
                        if (_remaining == 0) _state = _state == State.Body ? State.Line : State.ChunkDataEnd;
                        break;
                    default:
                        byte b = span[i++];
                        if (b == (byte)'\n') EndOfLine();
                        else if (_lineLength++ < _line.Length) _line[_lineLength - 1] = b;
                        else if (_lineLength > MaxLine) _state = State.Stopped;
                        break;
                }
            }
            if (_state == State.Stopped) return;
        }
    }

    private ReadOnlySpan<byte> Line()
    {
        var l = _line.AsSpan(0, Math.Min(_lineLength, _line.Length));
        return l.Length > 0 && l[^1] == (byte)'\r' ? l[..^1] : l;
    }

    private void EndOfLine()
    {
        var line = Line();
        bool truncated = _lineLength > _line.Length;
        _lineLength = 0;
        switch (_state)
        {
            case State.Line when !_inHeaders:
                if (line.Length == 0) return;   // tolerated empty lines between requests
                if (line.StartsWith("PRI * HTTP/2.0"u8)) { _state = State.Stopped; return; }   // h2c prior knowledge
                _inHeaders = true;
                _hasContentLength = _hasTransferEncoding = _upgrade = false;
                _contentLength = 0;
                return;
            case State.Line:
                if (line.Length > 0) { Header(line, truncated); return; }
                EndOfHeaders();
                return;
            case State.ChunkSize:
                if (!TryChunkSize(line, out var size)) { _state = State.Stopped; return; }
                if (size == 0) _state = State.Trailer;
                else { _remaining = size; _state = State.ChunkData; }
                return;
            case State.ChunkDataEnd:
                _state = line.Length == 0 ? State.ChunkSize : State.Stopped;
                return;
            case State.Trailer:
                if (line.Length == 0) _state = State.Line;
                return;
        }
    }

    private void Header(ReadOnlySpan<byte> line, bool truncated)
    {
        int colon = line.IndexOf((byte)':');
        if (colon <= 0) { _state = State.Stopped; return; }
        var name = line[..colon];
        var value = line[(colon + 1)..].Trim(" \t"u8);
        if (System.Text.Ascii.EqualsIgnoreCase(name, "content-length"u8))
        {
            if (truncated || _hasContentLength || !TryDecimal(value, out _contentLength)) { _state = State.Stopped; return; }
            _hasContentLength = true;
        }
        else if (System.Text.Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
        {
            // Kestrel rejects a final coding other than chunked itself; only chunked is followed.
            if (truncated || !EndsWithChunked(value)) { _state = State.Stopped; return; }
            _hasTransferEncoding = true;
        }
        else if (System.Text.Ascii.EqualsIgnoreCase(name, "upgrade"u8))
        {
            _upgrade = true;
        }
    }

    private void EndOfHeaders()
    {
        Requests++;
        _inHeaders = false;
        if (_hasContentLength && _hasTransferEncoding)
        {
            AmbiguousRequest = Requests;
            _state = State.Stopped;   // that request is answered 400 and the connection closed
        }
        else if (_upgrade) _state = State.Stopped;   // the rest may be a tunnel
        else if (_hasTransferEncoding) _state = State.ChunkSize;
        else if (_contentLength > 0) { _remaining = _contentLength; _state = State.Body; }
    }

    private static bool TryDecimal(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 18) return false;
        foreach (var c in s)
        {
            if (c is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static bool TryChunkSize(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        int end = line.IndexOfAny((byte)';', (byte)' ', (byte)'\t');
        var hex = end < 0 ? line : line[..end];
        if (hex.Length == 0 || hex.Length > 15) return false;
        foreach (var c in hex)
        {
            int d = c switch { >= (byte)'0' and <= (byte)'9' => c - '0', >= (byte)'a' and <= (byte)'f' => c - 'a' + 10, >= (byte)'A' and <= (byte)'F' => c - 'A' + 10, _ => -1 };
            if (d < 0) return false;
            size = size * 16 + d;
        }
        return true;
    }

    private static bool EndsWithChunked(ReadOnlySpan<byte> value)
    {
        int comma = value.LastIndexOf((byte)',');
        var last = (comma < 0 ? value : value[(comma + 1)..]).Trim(" \t"u8);
        return System.Text.Ascii.EqualsIgnoreCase(last, "chunked"u8);
    }
}
