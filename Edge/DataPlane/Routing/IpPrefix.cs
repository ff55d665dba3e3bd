using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Edge.DataPlane.Routing;

/// <summary>
/// An IP or CIDR from a ClientIP matcher. Everything is held as a 128-bit IPv6 value with IPv4
/// mapped into ::ffff:0:0/96, which gives Go's semantics (net.IP.Equal and IPNet.Contains treat
/// an IPv4 address and its IPv4-mapped form as the same) without allocating at match time.
/// </summary>
public readonly struct IpPrefix
{
    private static readonly UInt128 V4MappedPrefix = new(0, 0x0000_FFFF_0000_0000UL);

    private readonly UInt128 _network;
    private readonly UInt128 _mask;

    private IpPrefix(UInt128 address, int bits)
    {
        _mask = bits == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - bits);
        _network = address & _mask;
        PrefixLength = bits;
    }

    /// <summary>Prefix length in the 128-bit space (an IPv4 /24 is 120).</summary>
    public int PrefixLength { get; }

    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            return false;
        }

        UInt128 value = written == 4
            ? V4MappedPrefix | BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return (value & _mask) == _network;
    }

    /// <summary>Parses "ip" or "ip/bits" as strictly as Go's net.ParseIP / net.ParseCIDR.</summary>
    public static bool TryParse(string text, out IpPrefix prefix, out string? error)
    {
        prefix = default;
        ReadOnlySpan<char> s = text;
        int slash = s.IndexOf('/');
        ReadOnlySpan<char> ipText = slash < 0 ? s : s[..slash];
        if (!TryParseAddress(ipText, out UInt128 value, out bool isV4))
        {
            error = $"invalid IP address or CIDR \"{text}\"";
            return false;
        }

        int max = isV4 ? 32 : 128;
        int bits = max;
        if (slash >= 0)
        {
            ReadOnlySpan<char> bitsText = s[(slash + 1)..];
            if (bitsText.IsEmpty || bitsText.Length > 3 || !int.TryParse(bitsText, System.Globalization.NumberStyles.None, null, out bits) || bits > max)
            {
                error = $"invalid CIDR prefix length in \"{text}\"";
                return false;
            }
        }

        prefix = new IpPrefix(value, isV4 ? bits + 96 : bits);
        error = null;
        return true;
    }

    private static bool TryParseAddress(ReadOnlySpan<char> s, out UInt128 value, out bool isV4)
    {
        value = UInt128.Zero;
        isV4 = s.IndexOf(':') < 0;
        if (isV4)
        {
            return TryParseV4(s, out value);
        }

        // .NET also accepts brackets, zones and ports, which Go's ParseIP rejects.
        if (s.IndexOfAny('%', '[', ']') >= 0 || s.IndexOf('/') >= 0
            || !IPAddress.TryParse(s, out IPAddress? ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return true;
    }

    /// <summary>Four decimal octets, no leading zeros (Go rejects them since 1.17 as ambiguous octal).</summary>
    private static bool TryParseV4(ReadOnlySpan<char> s, out UInt128 value)
    {
        value = UInt128.Zero;
        uint acc = 0;
        for (int part = 0; part < 4; part++)
        {
            int dot = s.IndexOf('.');
            ReadOnlySpan<char> octet = part < 3 ? (dot < 0 ? [] : s[..dot]) : s;
            if (octet.IsEmpty || octet.Length > 3 || (octet.Length > 1 && octet[0] == '0'))
            {
                return false;
            }

            int v = 0;
            foreach (char c in octet)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }

                v = (v * 10) + (c - '0');
            }

            if (v > 255)
            {
                return false;
            }

            acc = (acc << 8) | (uint)v;
            s = part < 3 ? s[(dot + 1)..] : [];
        }

        value = V4MappedPrefix | acc;
        return true;
    }
}
