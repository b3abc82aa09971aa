using System.Runtime.InteropServices;

namespace WebHooks.Storage.LiteDb;

/// <summary>
/// LiteDB's log file, kept at its size when LiteDB empties it after a checkpoint, so that the fdatasync after each
/// group commit flushes only the pages written. LiteDB truncates its log to nothing at every checkpoint, so every
/// commit after it grew the file, and the fdatasync of a write that grows a file also commits the file system's
/// journal (the new size, the new blocks): twice the flushes.
/// </summary>
/// <remarks>
/// <para>
/// After a crash, LiteDB replays every confirmed transaction it finds in the log. Pages left beyond the log's end from
/// before the last checkpoint must not be found: an older image of a page would overwrite the newer one that the
/// checkpoint copied into the data file. So the file starts with a header page of its own that names the log's
/// generation, and each page written carries the generation's tag in byte 31 of its header, which LiteDB 5 does not
/// use (it is set back to 0 when the page is read). On open, the log is the run of pages from the start that carry
/// the header's tag. Emptying the log starts a new generation, and the header naming it is fdatasynced at once: by
/// then LiteDB has fsynced the data file, so until then replaying the old generation again is harmless.
/// </para>
/// <para>
/// Tags go from 1 to 255; before the first generation of a new round the file is truncated for real, so no page
/// of an earlier round can carry the tag of the current generation. A file without the header is a log LiteDB wrote
/// itself (the last release's): it is read as it is, and truncated for real when LiteDB first empties it.
/// </para>
/// </remarks>
internal sealed class ReusedLogStream : Stream
{
    private const int PageSize = 8192; // LiteDB's
    private const int TagOffset = 31; // unused byte of LiteDB 5's 32-byte page header
    private const int PageTypeOffset = 4;
    private const byte NotAPageType = 0xFF; // LiteDB's page types are 0-5: the header cannot be taken for a page
    private const int IsConfirmedOffset = 18; // set on the last page of a transaction: its commit
    private const int MagicOffset = 32; // after LiteDB's page header
    private static ReadOnlySpan<byte> Magic => "webhooks-log"u8;

    /// <summary>
    /// LiteDB writes a transaction's pages one by one (7 or so for a group commit of the bench's publishes); they wait
    /// here and go to the file in one write when the page that confirms the transaction comes, or this is full, or
    /// something reads the log.
    /// </summary>
    private const int PendingCapacity = 32 * PageSize;

    private readonly FileStream _file;
    private byte[]? _pending;
    private int _pendingBytes;
    private long _pendingAt; // where the pending bytes go in the log
    private long _length;
    private long _position;
    private long _base; // where the log's first page is in the file: after the header, or 0 for LiteDB's own format
    private byte _tag; // the generation's tag, 0 for LiteDB's own format

    public ReusedLogStream(string path)
    {
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.RandomAccess);
        try
        {
            var header = new byte[PageSize];
            if (_file.Length == 0) StartGeneration(1);
            else if (RandomAccess.Read(_file.SafeFileHandle, header, 0) == PageSize && IsHeader(header))
            {
                _base = PageSize;
                _tag = header[TagOffset];
                _length = FindEnd();
            }
            else _length = _file.Length; // LiteDB's own: the whole file is the log
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _position; set => _position = value; }

    // LiteDB's ConcurrentStream takes this instance's lock around each read and write; Sync and SetLength take it too.

    public override int Read(byte[] buffer, int offset, int count)
    {
        WritePending();
        var n = (int)Math.Min(count, _length - _position);
        if (n <= 0) return 0;
        var read = RandomAccess.Read(_file.SafeFileHandle, buffer.AsSpan(offset, n), _base + _position);
        if (_tag != 0) SetTags(buffer.AsSpan(offset, read), _position, 0);
        _position += read;
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (count > PendingCapacity) throw new NotSupportedException("LiteDB writes its log a page at a time");
        if (_pendingBytes > 0 && (_position != _pendingAt + _pendingBytes || _pendingBytes + count > PendingCapacity)) WritePending();
        _pending ??= new byte[PendingCapacity];
        if (_pendingBytes == 0) _pendingAt = _position;
        var copy = _pending.AsSpan(_pendingBytes, count); // LiteDB's buffer is its cached page: the tags go on a copy
        buffer.AsSpan(offset, count).CopyTo(copy);
        SetTags(copy, _position, _tag);
        _pendingBytes += count;
        _position += count;
        if (_position > _length) _length = _position;
        if (count == PageSize && buffer[offset + IsConfirmedOffset] != 0) WritePending();
    }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    /// <summary>LiteDB empties the log after a checkpoint (0), or drops a page it finds half written.</summary>
    public override void SetLength(long value)
    {
        lock (this) WritePending();
        if (value == 0) StartGeneration(_tag is 0 or byte.MaxValue ? (byte)1 : (byte)(_tag + 1));
        else if (value <= _length) _length = value;
        else throw new NotSupportedException("LiteDB's log is never lengthened by SetLength");
    }

    public override void Flush() { }

    /// <summary>
    /// Makes what was written durable (fdatasync): LiteDB 5 does not fsync its commits (they reach the OS, not the
    /// disk, until a checkpoint). Throws <see cref="IOException"/> when the disk refuses.
    /// </summary>
    public void Sync()
    {
        lock (this) WritePending();
        if (!OperatingSystem.IsLinux()) { _file.Flush(flushToDisk: true); return; }
        if (fdatasync(_file.SafeFileHandle) != 0)
            throw new IOException($"fdatasync of {_file.Name} failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Removes the file when the log is empty, as LiteDB does with its own log when it closes.</summary>
    public void DeleteIfEmpty()
    {
        if (_length == 0) File.Delete(_file.Name);
    }

    private void StartGeneration(byte tag)
    {
        if (tag == 1) _file.SetLength(0); // a new round: no page left from the last one
        var header = new byte[PageSize];
        Magic.CopyTo(header.AsSpan(MagicOffset));
        header[PageTypeOffset] = NotAPageType;
        header[TagOffset] = tag;
        RandomAccess.Write(_file.SafeFileHandle, header, 0);
        _base = PageSize;
        _tag = tag;
        _length = 0;
        Sync();
    }

    private void WritePending()
    {
        if (_pendingBytes == 0) return;
        RandomAccess.Write(_file.SafeFileHandle, _pending.AsSpan(0, _pendingBytes), _base + _pendingAt);
        _pendingBytes = 0;
    }

    private static bool IsHeader(ReadOnlySpan<byte> page) =>
        page[MagicOffset..].StartsWith(Magic) && page[PageTypeOffset] == NotAPageType && page[TagOffset] != 0;

    /// <summary>The log: the pages from the start that carry the generation's tag.</summary>
    private long FindEnd()
    {
        Span<byte> header = stackalloc byte[TagOffset + 1];
        long end = 0;
        while (_base + end + PageSize <= _file.Length
               && RandomAccess.Read(_file.SafeFileHandle, header, _base + end) == header.Length
               && header[TagOffset] == _tag)
            end += PageSize;
        return end;
    }

    /// <summary>Sets the tag byte of each page header within <paramref name="data"/>, which starts at <paramref name="position"/> of the log.</summary>
    private static void SetTags(Span<byte> data, long position, byte tag)
    {
        var first = position / PageSize * PageSize + TagOffset;
        if (first < position) first += PageSize;
        for (var at = first - position; at < data.Length; at += PageSize)
            data[(int)at] = tag;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (this) WritePending();
            _file.Dispose();
        }
        base.Dispose(disposing);
    }

    [DllImport("libc", SetLastError = true)] private static extern int fdatasync(SafeHandle fd);
}
