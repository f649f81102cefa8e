namespace ThreadingAnalyzers;

/// <summary>The diagnostic IDs, shared with the code fixes.</summary>
public static class RuleIds
{
    public const string ThreadStartedTwice = "THR001";
    public const string PollingConsumer = "THR002";
    public const string CompletionNeverSignalled = "THR003";
    public const string UnsynchronizedSharedWrite = "THR004";
    public const string ThreadNeverJoined = "THR005";
    public const string ThreadPerWorkItem = "THR006";
    public const string NonThreadSafeCollectionShared = "THR007";
    public const string LockReleaseNotGuaranteed = "THR008";
    public const string UnsafeLockObject = "THR009";
    public const string BusyWait = "THR010";
    public const string EndlessForegroundThread = "THR011";
    public const string ThreadAbortSuspendResume = "THR012";
    public const string MonitorWaitPulseMisuse = "THR013";
    public const string DoubleCheckedLockingPublishesEarly = "THR014";
    public const string BlockingWhileHoldingLock = "THR015";
    public const string LockOrderInversion = "THR016";
}
