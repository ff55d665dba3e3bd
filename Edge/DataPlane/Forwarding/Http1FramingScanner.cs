using System.Buffers;

namespace Edge.DataPlane.Forwarding;

/// <summary>
/// Follows the HTTP/1.1 framing of one connection's request bytes, as they arrive, to catch what
/// Kestrel repairs or lets through instead of rejecting: Content-Length with Transfer-Encoding
/// (Kestrel drops the Content-Length), Transfer-Encoding that is not exactly <c>chunked</c> or that
/// comes on HTTP/1.0 (RFC 9112 §6), and header lines that are not RFC 9110 §5 syntax (a name that
/// is not a token, CTL bytes or a bare CR in a value: Kestrel forwards or silently drops them). The
/// scanner tracks request lines, header blocks, Content-Length and chunked bodies, so body bytes
/// are never read as headers on keep-alive connections. The first request it rejects is
/// <see cref="RejectedRequest"/>, with the status to answer; on anything it does not expect it
/// stops scanning for good (<see cref="Stopped"/>) and flags nothing: Kestrel rejects malformed
/// input itself, and an unflagged request is processed as before.
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
    private long _contentLength;

    // The current header line, checked byte by byte (a value may be longer than _line).
    private bool _cr, _colon, _lineBad;
    // The current request.
    private bool _http10, _hasContentLength, _badHeader;
    private int _codings, _chunkedCodings;
    private bool _hasTransferEncoding, _otherCoding, _lastIsChunked;

    /// <summary>Header blocks completed so far (request n has index n, starting at 1).</summary>
    public int Requests { get; private set; }

    /// <summary>The index of the first request to answer with an error instead of forwarding, or 0.</summary>
    public int RejectedRequest { get; private set; }

    /// <summary>400, or 501 for a transfer coding Edge does not implement.</summary>
    public int RejectStatus { get; private set; }

    /// <summary>Why <see cref="RejectedRequest"/> was rejected (for the debug log).</summary>
    public string? RejectReason { get; private set; }

    public bool Stopped => _state == State.Stopped;

    /// <summary>The connection was upgraded (WebSocket): what follows is a tunnel, not HTTP.</summary>
    public void Stop() => _state = State.Stopped;

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
                        if (b == (byte)'\n') { EndOfLine(); break; }
                        if (_state == State.Line && _inHeaders) CheckHeaderByte(b);
                        if (_lineLength++ < _line.Length) _line[_lineLength - 1] = b;
                        else if (_lineLength > MaxLine) _state = State.Stopped;
                        break;
                }
            }
            if (_state == State.Stopped) return;
        }
    }

    private void CheckHeaderByte(byte b)
    {
        if (_cr) _lineBad = true;          // a CR not followed by LF
        _cr = b == (byte)'\r';
        if (_cr) return;
        if (!_colon)
        {
            if (b == (byte)':') _colon = true;
            else if (!IsTokenChar(b)) _lineBad = true;
        }
        else if ((b < 0x20 && b != (byte)'\t') || b == 0x7f) _lineBad = true;
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
        bool lineBad = _lineBad;
        _lineLength = 0;
        _cr = _colon = _lineBad = false;
        switch (_state)
        {
            case State.Line when !_inHeaders:
                if (line.Length == 0) return;   // tolerated empty lines between requests
                if (line.StartsWith("PRI * HTTP/2.0"u8)) { _state = State.Stopped; return; }   // h2c prior knowledge
                _inHeaders = true;
                _http10 = line.EndsWith(" HTTP/1.0"u8);
                _hasContentLength = _badHeader = _hasTransferEncoding = _otherCoding = _lastIsChunked = false;
                _codings = _chunkedCodings = 0;
                _contentLength = 0;
                return;
            case State.Line:
                if (line.Length > 0) { _badHeader |= lineBad; Header(line, truncated); return; }
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
        if (colon <= 0) { _badHeader = true; return; }
        var name = line[..colon];
        var value = line[(colon + 1)..].Trim(" \t"u8);
        if (System.Text.Ascii.EqualsIgnoreCase(name, "content-length"u8))
        {
            if (truncated || _hasContentLength || !TryDecimal(value, out _contentLength)) { _state = State.Stopped; return; }
            _hasContentLength = true;
        }
        else if (System.Text.Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
        {
            if (truncated) { _badHeader = true; return; }
            _hasTransferEncoding = true;
            // Every Transfer-Encoding line adds codings to one list (RFC 9110 §5.3); empty list
            // elements ("chunked,") are allowed and skipped.
            foreach (var range in value.Split((byte)','))
            {
                var coding = value[range].Trim(" \t"u8);
                if (coding.Length == 0) continue;
                _codings++;
                _lastIsChunked = System.Text.Ascii.EqualsIgnoreCase(coding, "chunked"u8);
                if (_lastIsChunked) _chunkedCodings++;
                else _otherCoding = true;
            }
        }
    }

    private void EndOfHeaders()
    {
        Requests++;
        _inHeaders = false;
        bool te = _hasTransferEncoding;
        string? reason =
            _badHeader ? "header line is not name: value syntax (RFC 9110 section 5)"
            : te && _hasContentLength ? "Content-Length with Transfer-Encoding"
            : te && _http10 ? "Transfer-Encoding on HTTP/1.0"
            : te && (_codings == 0 || !_lastIsChunked || _chunkedCodings > 1) ? "Transfer-Encoding whose final coding is not chunked once"
            : te && _otherCoding ? "transfer coding other than chunked"
            : null;
        if (reason is not null)
        {
            RejectedRequest = Requests;
            RejectStatus = reason == "transfer coding other than chunked" ? 501 : 400;
            RejectReason = reason;
            _state = State.Stopped;   // that request is answered with an error and the connection closed
        }
        else if (te) _state = State.ChunkSize;
        else if (_contentLength > 0) { _remaining = _contentLength; _state = State.Body; }
    }

    /// <summary>RFC 9110 §5.6.2 tchar.</summary>
    private static bool IsTokenChar(byte c) =>
        c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+'
            or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';

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
}
