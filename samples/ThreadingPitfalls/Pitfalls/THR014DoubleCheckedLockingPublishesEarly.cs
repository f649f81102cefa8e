using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ThreadingPitfalls.Pitfalls;

/// <summary>
/// THR014: double-checked locking that stores the object in the field before configuring it hands a half-initialized
/// object to every thread that passes the unlocked check meanwhile.
/// </summary>
internal sealed class THR014DoubleCheckedLockingPublishesEarly : Pitfall
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private Settings? _settings;
    private Settings? _safeSettings;

    public override string Id => "THR014";

    public override string Title => "Double-checked locking that publishes too early";

    public override Outcome RunNaive()
    {
        using var loading = new ManualResetEventSlim();
        _settings = null;
        var first = Task.Run(() => GetSettings(loading));
        if (!loading.Wait(Timeout))
        {
            return Outcome.Wrong("the first caller never started loading");
        }

        // The first caller is inside Load() now; a second caller comes along.
        var seen = GetSettings(loading).Port;
        if (!first.Wait(Timeout))
        {
            return Outcome.Wrong("the first caller did not finish loading");
        }

        return seen == Settings.LoadedPort
            ? Outcome.Right($"the second caller saw port {seen}")
            : Outcome.Wrong($"a second caller got the object while the first was still loading it: port {seen} instead of {Settings.LoadedPort}");
    }

    public override Outcome RunFixed()
    {
        using var loading = new ManualResetEventSlim();
        _safeSettings = null;
        var first = Task.Run(() => GetSettingsSafely(loading));
        if (!loading.Wait(Timeout))
        {
            return Outcome.Wrong("the first caller never started loading");
        }

        var seen = GetSettingsSafely(loading).Port;
        if (!first.Wait(Timeout))
        {
            return Outcome.Wrong("the first caller did not finish loading");
        }

        return seen == Settings.LoadedPort
            ? Outcome.Right($"built in a local and assigned last: the second caller waited on the lock and saw port {seen}")
            : Outcome.Wrong($"the second caller saw port {seen} instead of {Settings.LoadedPort}");
    }

    private Settings GetSettings(ManualResetEventSlim loading)
    {
        if (_settings == null) // expect: THR014
        {
            lock (_gate)
            {
                if (_settings == null)
                {
                    _settings = new Settings();
                    _settings.Load(loading);
                }
            }
        }

        return _settings;
    }

    private Settings GetSettingsSafely(ManualResetEventSlim loading)
    {
        if (_safeSettings == null)
        {
            lock (_gate)
            {
                if (_safeSettings == null)
                {
                    var settings = new Settings();
                    settings.Load(loading);
                    _safeSettings = settings;
                }
            }
        }

        return _safeSettings;
    }

    private sealed class Settings
    {
        public const int LoadedPort = 8080;

        public int Port { get; private set; }

        public long Checksum { get; private set; }

        /// <summary>Parses the configuration: 200 ms of CPU work, like a large file.</summary>
        public void Load(ManualResetEventSlim loading)
        {
            loading.Set();
            var parsing = Stopwatch.StartNew();
            var checksum = 0L;
            while (parsing.ElapsedMilliseconds < 200)
            {
                checksum = unchecked((checksum * 31) + parsing.ElapsedTicks);
            }

            Checksum = checksum;
            Port = LoadedPort;
        }
    }
}
