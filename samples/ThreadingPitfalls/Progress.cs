using System;
using System.Threading;
using System.Threading.Tasks;

namespace ThreadingPitfalls;

/// <summary>A spinner shown while a slow variant runs (only on an interactive console).</summary>
internal sealed class Progress : IDisposable
{
    private static readonly char[] Frames = ['|', '/', '-', '\\'];
    private readonly object _gate = new();
    private readonly Timer? _timer;
    private readonly string _prefix;
    private int _frame;
    private bool _drawn;
    private bool _disposed;

    private Progress(string prefix, bool interactive)
    {
        _prefix = prefix;
        if (interactive)
        {
            _timer = new Timer(_ => Draw(), null, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(150));
        }
    }

    public static Progress Show(string prefix, Task running) => new(prefix, !Console.IsOutputRedirected && !running.IsCompleted);

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_gate)
        {
            _disposed = true;
            if (_drawn)
            {
                Console.Write("\r" + new string(' ', _prefix.Length + 2) + "\r");
            }
        }
    }

    private void Draw()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Console.Write("\r" + _prefix + Frames[_frame++ % Frames.Length]);
            _drawn = true;
        }
    }
}
