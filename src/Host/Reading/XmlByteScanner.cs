using System.Buffers;
using System.Text;

namespace CrmEtl.Host.Reading;

/// <summary>
/// A forward-only pull scanner over the UTF-8 bytes of one XML part of a workbook: tags with their local name and
/// attributes, and text with entities decoded. It is XmlReader without the namespaces, validation and per-node
/// objects: a worksheet of a million rows is two gigabytes of XML, and XmlReader spent 10 s on it where this
/// spends about 2. What an xlsx part may hold is handled (prefixes, comments, processing instructions, CDATA,
/// character references, CR LF line ends); a DTD, a malformed tag, text that is not UTF-8 or a tag or text longer than
/// any workbook has is a <see cref="DamagedWorkbookException"/>. Memory stays bounded whatever the input.
/// </summary>
internal sealed class XmlByteScanner(Stream input) : IDisposable
{
    // Workbooks' tags are short and a cell holds at most 32,767 characters: nothing a workbook has needs more than this
    // at once (a cell of entities, 6 bytes a character, is about 200 KB).
    private const int MostBuffered = 8 << 20;
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly SearchValues<byte> TagEndOrQuote = SearchValues.Create("<>\"'"u8);
    private static readonly SearchValues<byte> Space = SearchValues.Create(" \t\r\n"u8);
    private static readonly SearchValues<byte> Controls = SearchValues.Create([0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);
    private static readonly SearchValues<byte> NameEnd = SearchValues.Create(" \t\r\n/>"u8);
    private static readonly SearchValues<byte> TextSpecial = SearchValues.Create("&\r"u8);

    private byte[] _buffer = new byte[1 << 20];
    private int _pos;
    private int _end;
    private bool _eof;
    private int _nameStart, _nameLength, _attributesStart, _attributesLength;
    private byte[] _text = new byte[256];

    /// <summary>What the last <see cref="NextTag"/> found: a start, end or empty (self-closing) tag.</summary>
    public XmlTagKind Kind { get; private set; }

    /// <summary>The last tag's name without its prefix (valid until the next call).</summary>
    public ReadOnlySpan<byte> LocalName => _buffer.AsSpan(_nameStart, _nameLength);

    public bool Is(XmlTagKind kind, ReadOnlySpan<byte> localName) => Kind == kind && LocalName.SequenceEqual(localName);

    // An XML name, as far as bytes tell: junk before an attribute is damage, not a name to pass over.
    private static bool IsName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name[0] is (byte)'-' or (byte)'.' or (>= (byte)'0' and <= (byte)'9')) return false;
        foreach (var b in name)
            if (!(b is (byte)'_' or (byte)':' or (byte)'-' or (byte)'.' or >= 0x80
                  or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')))
                return false;
        return true;
    }

    /// <summary>The raw value of the last start or empty tag's attribute (no prefix, no entities), or false.</summary>
    public bool TryGetAttribute(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var cursor = 0;
        while (NextAttribute(ref cursor, out var key, out value))
            if (key.SequenceEqual(name)) return true;
        value = default;
        return false;
    }

    /// <summary>
    /// The last start or empty tag's attributes one by one, from <paramref name="cursor"/> (start at 0): the name
    /// without its prefix and the raw value. Namespace declarations are passed over.
    /// </summary>
    public bool NextAttribute(scoped ref int cursor, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var attributes = _buffer.AsSpan(_attributesStart, _attributesLength);
        while (true)
        {
            var rest = attributes[cursor..].TrimStart(" \t\r\n"u8);
            var eq = rest.IndexOf((byte)'=');
            if (eq < 0)
            {
                if (!rest.IsEmpty) throw Malformed("something in a tag that is no attribute");
                name = value = default;
                return false;
            }
            var key = rest[..eq].TrimEnd(" \t\r\n"u8);
            if (!IsName(key)) throw Malformed("something in a tag that is no attribute");
            var quoted = rest[(eq + 1)..].TrimStart(" \t\r\n"u8);
            if (quoted.Length == 0 || quoted[0] is not ((byte)'"' or (byte)'\'')) throw Malformed("an attribute value without quotes");
            var close = quoted[1..].IndexOf(quoted[0]);
            if (close < 0) throw Malformed("an unterminated attribute value");
            cursor = attributes.Length - quoted.Length + close + 2;
            if (key.StartsWith("xmlns"u8)) continue;
            var colon = key.IndexOf((byte)':');
            name = colon < 0 ? key : key[(colon + 1)..];
            value = quoted.Slice(1, close);
            return true;
        }
    }

    /// <summary>
    /// Moves to the next start, end or empty tag, passing over text, comments and processing instructions; with
    /// <paramref name="spaceOnly"/>, text passed over must be white space (between the elements of a sheet's rows and
    /// cells, where a workbook has nothing else).
    /// </summary>
    public bool NextTag(bool spaceOnly = false)
    {
        while (true)
        {
            var lt = spaceOnly ? FindAfterSpace() : Find((byte)'<');
            if (lt < 0) return false;
            _pos = lt;
            if (!Available(2)) throw Malformed("a '<' at the end of the part");
            switch (_buffer[_pos + 1])
            {
                case (byte)'?':
                    SkipPast("?>"u8);
                    continue;
                case (byte)'!':
                    SkipMarkup();
                    continue;
                case (byte)'/':
                    ReadTag(XmlTagKind.End, nameOffset: 2);
                    return true;
                default:
                    ReadTag(XmlTagKind.Start, nameOffset: 1);
                    return true;
            }
        }
    }

    /// <summary>After a start tag: passes over everything up to and including its end tag, each end tag closing its own start.</summary>
    public void SkipElement()
    {
        if (Kind != XmlTagKind.Start) return;
        var open = new Stack<string>();
        open.Push(Encoding.UTF8.GetString(LocalName));
        while (open.Count > 0)
        {
            if (!NextTag()) throw Malformed($"a <{open.Peek()}> that never ends");
            if (Kind == XmlTagKind.Start) open.Push(Encoding.UTF8.GetString(LocalName));
            else if (Kind == XmlTagKind.End)
            {
                var name = Encoding.UTF8.GetString(LocalName);
                if (name != open.Peek()) throw Malformed($"</{name}> where </{open.Peek()}> belongs");
                open.Pop();
            }
        }
    }

    /// <summary>Reads the rest of the part, unparsed (so that its stream can check the part's checksum at its end).</summary>
    public void Drain()
    {
        _pos = _end;
        while (Refill()) _pos = _end;
    }

    /// <summary>
    /// After a start tag: the text up to the next tag, raw, when it is plain (no entity, no CR, no CDATA or
    /// comment inside); otherwise false and nothing is consumed, and <see cref="ReadText"/> reads it.
    /// </summary>
    public bool TryReadPlainText(out ReadOnlySpan<byte> text)
    {
        var lt = Find((byte)'<', consume: false);
        var offset = lt - _pos;
        if (lt < 0 || !Available(offset + 2) || _buffer[_pos + offset + 1] is (byte)'!' or (byte)'?')
        {
            text = default;
            return false;
        }
        lt = _pos + offset; // Available may have moved the buffer
        var span = _buffer.AsSpan(_pos, lt - _pos);
        if (span.IndexOfAny(TextSpecial) >= 0)
        {
            text = default;
            return false;
        }
        _pos = lt;
        text = span;
        return true;
    }

    /// <summary>After a start tag: the text up to the next tag, with entities, CDATA and line ends as XML defines them.</summary>
    public string ReadText()
    {
        if (TryReadPlainText(out var plain)) return Encoding.UTF8.GetString(plain);
        var length = 0;
        while (true)
        {
            var lt = Find((byte)'<', consume: false);
            if (lt < 0) throw Malformed("text that never ends");
            length = Decode(_buffer.AsSpan(_pos, lt - _pos), length);
            _pos = lt;
            Available(9);
            var rest = _buffer.AsSpan(_pos, _end - _pos);
            if (rest.StartsWith("<![CDATA["u8))
            {
                var close = FindSequence("]]>"u8, _pos + 9); // may move the buffer: the start is taken after it
                length = Append(_buffer.AsSpan(_pos + 9, close - _pos - 9), length, normaliseLineEnds: true);
                _pos = close + 3;
            }
            else if (rest.StartsWith("<!--"u8)) SkipPast("-->"u8);
            else if (rest.StartsWith("<?"u8)) SkipPast("?>"u8);
            else return Text(_text.AsSpan(0, length));
        }
    }

    /// <summary>
    /// At least <paramref name="bytes"/> bytes from the current position, or fewer at the end of the part, for a
    /// caller that matches a common shape directly (<see cref="Advance"/> then consumes what it matched). Any
    /// other call may move the buffer, so the span is valid until then.
    /// </summary>
    public ReadOnlySpan<byte> Peek(int bytes)
    {
        Available(bytes);
        return _buffer.AsSpan(_pos, _end - _pos);
    }

    /// <summary>Consumes bytes seen through <see cref="Peek"/>.</summary>
    public void Advance(int bytes) => _pos += bytes;

    /// <summary>
    /// UTF-8 bytes as text; bytes that are not UTF-8, and control characters (which XML does not allow; a workbook
    /// writes them as _x0001_), are damage, never a replacement character.
    /// </summary>
    public static string Text(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOfAny(Controls) >= 0) throw Malformed("a control character in a text, which XML does not allow");
        try
        {
            return Strict.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed("text that is not UTF-8");
        }
    }

    public void Dispose() => input.Dispose();

    // On a tag's '<': reads its name and attributes and leaves the scanner past its '>'.
    private void ReadTag(XmlTagKind kind, int nameOffset)
    {
        var close = FindTagEnd(); // may move the buffer: offsets are taken after it
        var nameFrom = _pos + nameOffset;
        var nameEnd = _buffer.AsSpan(nameFrom, close - nameFrom).IndexOfAny(NameEnd);
        nameEnd = nameEnd < 0 ? close : nameFrom + nameEnd;
        if (nameEnd == nameFrom) throw Malformed("a tag without a name");
        var colon = _buffer.AsSpan(nameFrom, nameEnd - nameFrom).IndexOf((byte)':');
        _nameStart = colon < 0 ? nameFrom : nameFrom + colon + 1;
        _nameLength = nameEnd - _nameStart;
        var attributesEnd = close;
        if (kind == XmlTagKind.Start && _buffer[close - 1] == (byte)'/')
        {
            kind = XmlTagKind.Empty;
            attributesEnd--;
        }
        _attributesStart = nameEnd;
        _attributesLength = Math.Max(0, attributesEnd - nameEnd);
        Kind = kind;
        _pos = close + 1;
    }

    // The index of the '>' that ends the tag starting at _pos ('>' inside quoted attribute values does not count).
    private int FindTagEnd()
    {
        var i = _pos + 1;
        while (true)
        {
            var hit = _buffer.AsSpan(i, _end - i).IndexOfAny(TagEndOrQuote);
            if (hit < 0)
            {
                var offset = i - _pos;
                if (!Refill()) throw Malformed("a tag that never ends");
                i = _pos + offset;
                continue;
            }
            i += hit;
            if (_buffer[i] == (byte)'>') return i;
            if (_buffer[i] == (byte)'<') throw Malformed("a '<' inside a tag (a tag missing its '>')");
            var quote = _buffer[i];
            var offsetOfQuote = i - _pos;
            while (true)
            {
                var closing = _buffer.AsSpan(i + 1, _end - i - 1).IndexOf(quote);
                if (closing >= 0)
                {
                    i += closing + 2;
                    break;
                }
                if (!Refill()) throw Malformed("an attribute value that never ends");
                i = _pos + offsetOfQuote;
            }
        }
    }

    // On '<!': a comment is passed over; a DTD is refused (as XmlReader with DtdProcessing.Prohibit does); CDATA
    // between tags is text, which NextTag passes over.
    private void SkipMarkup()
    {
        Available(9);
        var rest = _buffer.AsSpan(_pos, _end - _pos);
        if (rest.StartsWith("<!--"u8)) SkipPast("-->"u8);
        else if (rest.StartsWith("<![CDATA["u8)) SkipPast("]]>"u8);
        else throw Malformed("a DTD or declaration, which workbooks do not have");
    }

    private void SkipPast(ReadOnlySpan<byte> terminator) => _pos = FindSequence(terminator, _pos + 2) + terminator.Length;

    private int FindSequence(ReadOnlySpan<byte> sequence, int from)
    {
        while (true)
        {
            var hit = _buffer.AsSpan(from, _end - from).IndexOf(sequence);
            if (hit >= 0) return from + hit;
            var offset = Math.Max(_pos, _end - sequence.Length + 1) - _pos;
            if (!Refill()) throw Malformed($"a '{Encoding.ASCII.GetString(sequence)}' that never comes");
            from = _pos + offset;
        }
    }

    // The index of the next <paramref name="b"/> at or after _pos, reading on as needed, or -1 at the end of the
    // part; the bytes before it are dropped unless consume is false (then the buffer keeps them from _pos, growing
    // for a text longer than itself).
    private int Find(byte b, bool consume = true)
    {
        while (true)
        {
            var hit = _buffer.AsSpan(_pos, _end - _pos).IndexOf(b);
            if (hit >= 0) return _pos + hit;
            if (consume) _pos = _end;
            if (!Refill()) return -1;
        }
    }

    // As Find('<'), but the bytes passed over must be white space.
    private int FindAfterSpace()
    {
        while (true)
        {
            var rest = _buffer.AsSpan(_pos, _end - _pos);
            var other = rest.IndexOfAnyExcept(Space);
            if (other >= 0)
            {
                if (rest[other] != (byte)'<') throw Malformed("text where only tags belong");
                return _pos + other;
            }
            _pos = _end;
            if (!Refill()) return -1;
        }
    }

    private bool Available(int bytes)
    {
        while (_end - _pos < bytes)
            if (!Refill()) return false;
        return true;
    }

    // Keeps the bytes from _pos, moved to the front, and reads more after them. False at the end of the part.
    private bool Refill()
    {
        if (_eof) return false;
        var kept = _end - _pos;
        if (kept == _buffer.Length)
        {
            if (_buffer.Length >= MostBuffered) throw Malformed($"a tag or text of more than {MostBuffered >> 20} MB, more than any workbook has");
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_pos > 0) Buffer.BlockCopy(_buffer, _pos, _buffer, 0, kept);
        _pos = 0;
        _end = kept;
        var read = input.ReadAtLeast(_buffer.AsSpan(_end), 1, throwOnEndOfStream: false);
        if (read == 0) _eof = true;
        _end += read;
        return read > 0;
    }

    // Appends raw text to _text with entities decoded and CR LF / CR read as LF.
    private int Decode(ReadOnlySpan<byte> raw, int length)
    {
        while (raw.Length > 0)
        {
            var amp = raw.IndexOf((byte)'&');
            if (amp < 0) return Append(raw, length, normaliseLineEnds: true);
            length = Append(raw[..amp], length, normaliseLineEnds: true);
            raw = raw[amp..];
            var semicolon = raw.IndexOf((byte)';');
            if (semicolon < 0) throw Malformed("an '&' that starts no entity");
            length = AppendEntity(raw[1..semicolon], length);
            raw = raw[(semicolon + 1)..];
        }
        return length;
    }

    private int AppendEntity(ReadOnlySpan<byte> name, int length)
    {
        var rune = name switch
        {
            _ when name.SequenceEqual("lt"u8) => '<',
            _ when name.SequenceEqual("gt"u8) => '>',
            _ when name.SequenceEqual("amp"u8) => '&',
            _ when name.SequenceEqual("quot"u8) => '"',
            _ when name.SequenceEqual("apos"u8) => '\'',
            _ when name.Length > 1 && name[0] == (byte)'#' => CharacterReference(name[1..]),
            _ => throw Malformed($"the unknown entity '&{Encoding.ASCII.GetString(name)};'"),
        };
        Span<byte> utf8 = stackalloc byte[4];
        return Append(utf8[..new Rune(rune).EncodeToUtf8(utf8)], length, normaliseLineEnds: false);
    }

    private static int CharacterReference(ReadOnlySpan<byte> digits)
    {
        var hex = digits.Length > 0 && digits[0] is (byte)'x';
        var style = hex ? System.Globalization.NumberStyles.AllowHexSpecifier : System.Globalization.NumberStyles.None;
        if (!int.TryParse(hex ? digits[1..] : digits, style, System.Globalization.CultureInfo.InvariantCulture, out var code) || !Rune.IsValid(code))
            throw Malformed($"the character reference '&#{Encoding.ASCII.GetString(digits)};'");
        return code;
    }

    private int Append(ReadOnlySpan<byte> bytes, int length, bool normaliseLineEnds)
    {
        if (length + bytes.Length > MostBuffered) throw Malformed($"a text of more than {MostBuffered >> 20} MB, more than any cell holds");
        if (_text.Length < length + bytes.Length) Array.Resize(ref _text, Math.Max(_text.Length * 2, length + bytes.Length));
        if (!normaliseLineEnds || bytes.IndexOf((byte)'\r') < 0)
        {
            bytes.CopyTo(_text.AsSpan(length));
            return length + bytes.Length;
        }
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\r') _text[length++] = bytes[i];
            else if (i + 1 >= bytes.Length || bytes[i + 1] != (byte)'\n') _text[length++] = (byte)'\n';
        }
        return length;
    }

    /// <summary>XML white space (space, tab, CR, LF).</summary>
    public static bool IsSpace(byte b) => b <= (byte)' ' && b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static DamagedWorkbookException Malformed(string what) => new($"malformed XML in the workbook: {what}");
}

/// <summary>The kinds of tag <see cref="XmlByteScanner"/> stops at.</summary>
internal enum XmlTagKind
{
    Start,
    End,
    Empty,
}
