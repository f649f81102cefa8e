using Microsoft.CodeAnalysis;

namespace ThreadingAnalyzers;

/// <summary>Every diagnostic descriptor of the package. One factory sets the help link from the ID.</summary>
internal static class Descriptors
{
    public const string HelpLinkBase = "https://github.com/threading-analyzers/ThreadingAnalyzers/blob/main/docs/rules/";

    public static readonly DiagnosticDescriptor THR001ThreadStartedTwice = Create(
        RuleIds.ThreadStartedTwice,
        "Thread started more than once",
        "{0} may already be started here: {1}; a second Start() throws ThreadStateException",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "A Thread can be started once. Calling Start() again, even after the thread finished, throws ThreadStateException. Create a new Thread for each run, or use a pool.");

    public static readonly DiagnosticDescriptor THR002PollingConsumer = Create(
        RuleIds.PollingConsumer,
        "Consumer polls a queue's emptiness instead of blocking on a take",
        "{0} '{1}' while {2} may still be adding to it: {3}; block on a take instead (BlockingCollection.GetConsumingEnumerable, a Channel reader)",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "A consumer that checks whether a shared queue is empty and stops, or spins on a non-blocking take, either exits before the producer has added anything or burns a core. Block on a take (BlockingCollection.GetConsumingEnumerable, Channel readers).");

    public static readonly DiagnosticDescriptor THR003CompletionNeverSignalled = Create(
        RuleIds.CompletionNeverSignalled,
        "Completion never signalled",
        "'{0}' {1}: {2}",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "A consumer blocked on a BlockingCollection, a Channel or a CountdownEvent ends only when the producer signals completion. When no completion is signalled, or it is skipped by an exception, the consumer waits forever.");

    public static readonly DiagnosticDescriptor THR004UnsynchronizedSharedWrite = Create(
        RuleIds.UnsynchronizedSharedWrite,
        "Unsynchronized write to shared state",
        "'{0}' is {1} {2}",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "Storage written by code that runs on several threads at once, without a lock or an Interlocked operation, loses updates: read-modify-write operations such as ++ and += are not atomic.");

    public static readonly DiagnosticDescriptor THR005ThreadNeverJoined = Create(
        RuleIds.ThreadNeverJoined,
        "Started thread never joined",
        "{0} is not joined: {1}",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "A thread started in a method that neither joins it nor hands it to someone who can may still be running when the method reads its results or returns.");

    public static readonly DiagnosticDescriptor THR006ThreadPerWorkItem = Create(
        RuleIds.ThreadPerWorkItem,
        "A new thread per work item",
        "A new thread is created for each {0}: every one pays for a thread's stack and start-up, and nothing bounds how many run at once",
        RuleCategories.Performance,
        DiagnosticSeverity.Info,
        "Creating a thread for every item of a loop pays a thread's stack and start-up per item and puts no bound on how many run at once. Use the thread pool, Parallel.ForEach or Task.Run.");

    public static readonly DiagnosticDescriptor THR007NonThreadSafeCollectionShared = Create(
        RuleIds.NonThreadSafeCollectionShared,
        "Non-thread-safe collection shared across threads",
        "'{0}' is a {1}, which is not thread-safe, and {2} without synchronization",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "List<T>, Dictionary<TKey,TValue>, Queue<T> and the other System.Collections.Generic collections are not safe for concurrent writes: racing mutations lose items, throw, or corrupt the collection. Lock around every access or use a System.Collections.Concurrent type.");

    public static readonly DiagnosticDescriptor THR008LockReleaseNotGuaranteed = Create(
        RuleIds.LockReleaseNotGuaranteed,
        "Lock acquired without guaranteed release",
        "'{0}' on '{1}' {2}",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "A lock whose release is not in a finally block stays held when the code between acquire and release throws or returns early; every other thread that needs it then waits forever.");

    public static readonly DiagnosticDescriptor THR009UnsafeLockObject = Create(
        RuleIds.UnsafeLockObject,
        "Lock on an object that others can lock too",
        "Lock on {0}: {1}",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "Locking on this, a Type, a string, a reassignable field, a new object or a boxed value either lets unrelated code take the same lock or gives each thread a different lock. Lock on a private readonly object.");

    public static readonly DiagnosticDescriptor THR010BusyWait = Create(
        RuleIds.BusyWait,
        "Busy-wait or sleep-polling on a flag",
        "{0} until '{1}' is {2} by {3}; {4}",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "A loop that spins or sleeps until another thread sets a flag wastes a core, reacts late, and on a non-volatile field may never see the change. Wait on an event instead.");

    public static readonly DiagnosticDescriptor THR011EndlessForegroundThread = Create(
        RuleIds.EndlessForegroundThread,
        "Endless loop on a foreground thread",
        "{0} loops forever ({1}) and is not a background thread: it keeps the process running after Main returns",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "A foreground thread whose body never ends keeps the process alive after Main returns. Make it a background thread or give the loop a way out.");

    public static readonly DiagnosticDescriptor THR012ThreadAbortSuspendResume = Create(
        RuleIds.ThreadAbortSuspendResume,
        "Thread.Abort, Suspend or Resume",
        "'{0}' {1}; coordinate with the thread cooperatively (a CancellationToken, or a volatile flag and Join)",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "Thread.Abort, ResetAbort, Suspend and Resume throw PlatformNotSupportedException on .NET Core and .NET 5+; on .NET Framework, Abort stops a thread at an arbitrary point and Suspend can freeze the process while the suspended thread holds a lock. Use cooperative cancellation.");

    public static readonly DiagnosticDescriptor THR013MonitorWaitPulseMisuse = Create(
        RuleIds.MonitorWaitPulseMisuse,
        "Monitor.Wait not in a condition loop, or Wait/Pulse outside the lock",
        "'{0}' {1}",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "Monitor.Wait must be called in a loop that re-checks its condition, and Wait, Pulse and PulseAll must be called while holding the lock on the same object.");

    public static readonly DiagnosticDescriptor THR014DoubleCheckedLockingPublishesEarly = Create(
        RuleIds.DoubleCheckedLockingPublishesEarly,
        "Double-checked locking that publishes too early",
        "'{0}' {1}",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "Lazy initialization that publishes a value before it is fully built, or signals readiness through a non-volatile flag, lets other threads use a half-initialized value.");

    public static readonly DiagnosticDescriptor THR015BlockingWhileHoldingLock = Create(
        RuleIds.BlockingWhileHoldingLock,
        "Blocking while holding a lock",
        "{0} while holding {1}: every other thread that needs the lock waits too, and the threads deadlock if what it waits for needs the same lock",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "A blocking call made while a lock is held makes every thread that needs the lock wait too, and is the usual start of a deadlock.");

    public static readonly DiagnosticDescriptor THR016LockOrderInversion = Create(
        RuleIds.LockOrderInversion,
        "Locks taken in opposite orders",
        "'{0}' is locked while '{1}' is held{2}, but another path locks '{1}' while '{0}' is held: two threads taking them in these opposite orders deadlock",
        RuleCategories.Reliability,
        DiagnosticSeverity.Warning,
        "Two code paths that take the same two locks in opposite orders can deadlock when two threads run them at once. Take the locks in one global order.",
        WellKnownDiagnosticTags.CompilationEnd);

    private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, string description, params string[] customTags)
        => new(id, title, message, category, severity, isEnabledByDefault: true, description, HelpLinkBase + id + ".md", customTags);
}
