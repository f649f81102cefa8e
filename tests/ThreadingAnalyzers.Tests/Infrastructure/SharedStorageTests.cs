using System.Linq;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

public class SharedStorageTests
{
    private static Sharing SharingAt(ConcurrencyTestHelper helper, string marker)
    {
        var reference = helper.Find(marker);
        var entry = helper.Model.GetEntries(reference, default).First();
        var storage = SharedStorage.Classify(reference, entry, helper.Types);
        Assert.NotNull(storage);
        return storage!.Sharing;
    }

    [Fact]
    public void Static_instance_and_captured_storage_is_shared()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                static int s_total;
                int _count;
                public static int Total { get; set; }
                void M(int parameter)
                {
                    var captured = 0;
                    Parallel.For(0, 10, i =>
                    {
                        /*static*/s_total++;
                        /*field*/_count++;
                        this./*this*/_count++;
                        /*local*/captured++;
                        /*param*/parameter++;
                        /*prop*/Total++;
                    });
                }
            }
            """);
        foreach (var marker in new[] { "static", "field", "this", "local", "param", "prop" })
        {
            Assert.Equal(Sharing.AmongInstances, SharingAt(helper, marker));
        }
    }

    [Fact]
    public void Region_locals_thread_statics_thread_locals_fresh_objects_and_parallel_state_are_not_shared()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class Box { public int Value; public List<int> Items = new List<int>(); }
            class C
            {
                [ThreadStatic] static int t_count;
                static readonly ThreadLocal<Box> Local = new ThreadLocal<Box>(() => new Box());
                void M()
                {
                    Parallel.For(0, 10, () => 0, (i, state, subtotal) =>
                    {
                        var mine = 0;
                        /*local*/mine++;
                        /*threadstatic*/t_count++;
                        var box = new Box();
                        /*fresh*/box.Value++;
                        Local.Value./*threadlocal*/Value++;
                        /*state*/subtotal += i;
                        return subtotal;
                    }, _ => { });
                }
            }
            """);
        Assert.Equal(Sharing.NotShared, SharingAt(helper, "local"));
        Assert.Equal(Sharing.NotShared, SharingAt(helper, "threadstatic"));
        Assert.Equal(Sharing.NotShared, SharingAt(helper, "fresh"));
        Assert.Equal(Sharing.NotShared, SharingAt(helper, "state"));
        var threadLocalValue = helper.Find("threadlocal");
        var entry = helper.Model.GetEntries(threadLocalValue, default).First();
        Assert.Equal(Sharing.NotShared, SharedStorage.Classify(threadLocalValue, entry, helper.Types)!.Sharing);
    }

    [Fact]
    public void Locals_declared_inside_the_starting_loop_are_one_per_instance()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                void M()
                {
                    var total = 0;
                    for (var i = 0; i < 4; i++)
                    {
                        var perThread = 0;
                        new Thread(() => { /*per*/perThread++; /*all*/total++; }).Start();
                    }
                }
            }
            """);
        Assert.Equal(Sharing.WithCreator, SharingAt(helper, "per"));
        Assert.Equal(Sharing.AmongInstances, SharingAt(helper, "all"));
    }

    [Fact]
    public void Locals_and_parameters_of_reached_methods_are_not_shared()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int _count;
                void M() => Task.Run(() => Work(1));
                void Work(int p)
                {
                    var n = 0;
                    /*n*/n++;
                    /*p*/p++;
                    /*f*/_count++;
                }
            }
            """);
        Assert.Equal(Sharing.NotShared, SharingAt(helper, "n"));
        Assert.Equal(Sharing.NotShared, SharingAt(helper, "p"));
        Assert.Equal(Sharing.AmongInstances, SharingAt(helper, "f"));
    }

    [Fact]
    public void Writes_are_told_from_reads_and_collection_mutations_from_collection_reads()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int _n;
                List<int> _list = new List<int>();
                Dictionary<int, int> _map = new Dictionary<int, int>();
                void M(out int o)
                {
                    /*assign*/_n = 1;
                    /*compound*/_n += 2;
                    /*inc*/_n++;
                    int.TryParse("1", out /*out*/_n);
                    o = /*read*/_n;
                    /*add*/_list.Add(1);
                    var c = /*count*/_list.Count;
                    /*set*/_list[0] = 2;
                    /*dict*/_map[1] = 2;
                }
            }
            """);
        Assert.NotNull(SharedStorage.GetWrite(helper.Find("assign")));
        Assert.Equal(AccessKind.Write, SharedAccessIndex.GetAccessKind(((Microsoft.CodeAnalysis.Operations.IAssignmentOperation)helper.FindOutermost("compound")).Target, helper.Types));
        Assert.Equal(AccessKind.Write, SharedAccessIndex.GetAccessKind(((Microsoft.CodeAnalysis.Operations.IIncrementOrDecrementOperation)helper.FindOutermost("inc")).Target, helper.Types));
        Assert.Equal(AccessKind.Write, SharedAccessIndex.GetAccessKind(helper.Find("out"), helper.Types));
        Assert.Equal(AccessKind.Read, SharedAccessIndex.GetAccessKind(helper.Find("read"), helper.Types));
        Assert.Equal(AccessKind.CollectionWrite, SharedAccessIndex.GetAccessKind(((Microsoft.CodeAnalysis.Operations.IInvocationOperation)helper.FindOutermost("add")).Instance!, helper.Types));
        Assert.Equal(AccessKind.CollectionRead, SharedAccessIndex.GetAccessKind(((Microsoft.CodeAnalysis.Operations.IPropertyReferenceOperation)helper.FindOutermost("count")).Instance!, helper.Types));
        var listSet = (Microsoft.CodeAnalysis.Operations.IAssignmentOperation)helper.FindOutermost("set");
        Assert.Equal(AccessKind.CollectionRead, SharedAccessIndex.GetAccessKind(((Microsoft.CodeAnalysis.Operations.IPropertyReferenceOperation)listSet.Target).Instance!, helper.Types));
        var dictSet = (Microsoft.CodeAnalysis.Operations.IAssignmentOperation)helper.FindOutermost("dict");
        Assert.Equal(AccessKind.CollectionWrite, SharedAccessIndex.GetAccessKind(((Microsoft.CodeAnalysis.Operations.IPropertyReferenceOperation)dictSet.Target).Instance!, helper.Types));
    }

    [Fact]
    public void The_access_index_lists_region_accesses_and_creator_accesses_while_the_region_runs()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int _count;
                void M()
                {
                    _count = 0;
                    var t = new Thread(() => { _count++; });
                    t.Start();
                    _count = 5;
                    t.Join();
                    _count = 9;
                }
            }
            """);
        var field = helper.Compilation.GetTypeByMetadataName("C")!.GetMembers("_count").Single();
        var index = SharedStorage.GetIndex(helper.Model, default);
        var key = SharedStorage.GetKey(field);
        Assert.Single(index.InRegions(key, default));
        var creator = Assert.Single(index.InCreators(key, default));
        Assert.Equal("_count = 5", creator.Reference.Parent!.Syntax.ToString());
        Assert.True(creator.IsWrite);
    }

    [Fact]
    public void FindShared_answers_in_one_call_and_the_syntax_precheck_agrees()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                int _count;
                void M()
                {
                    Task.Run(() => { /*shared*/_count++; var mine = 0; /*mine*/mine++; });
                    /*outside*/_count++;
                }
            }
            """);
        var shared = SharedStorage.FindShared(helper.Find("shared"), helper.Model, default);
        Assert.NotNull(shared);
        Assert.Equal("_count", shared!.Value.Storage.Symbol.Name);
        Assert.True(shared.Value.Storage.IdentityKnown);
        Assert.Equal(RegionKind.Task, shared.Value.Entry.Region.Kind);
        Assert.Null(SharedStorage.FindShared(helper.Find("mine"), helper.Model, default));
        Assert.Null(SharedStorage.FindShared(helper.Find("outside"), helper.Model, default));
        Assert.True(helper.Model.MayBeInRegion(helper.Find("shared").Syntax, default));
        Assert.False(helper.Model.MayBeInRegion(helper.Find("outside").Syntax, default));
    }

    [Fact]
    public void Members_set_in_an_object_initializer_belong_to_the_new_object()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class Status { public int Count { get; set; } public int Field; }
            class C
            {
                void M() => Parallel.For(0, 10, i => { var s = new Status { /*prop*/Count = i, /*field*/Field = i }; });
            }
            """);
        Assert.Null(SharedStorage.FindShared(helper.Find("prop"), helper.Model, default));
        Assert.Null(SharedStorage.FindShared(helper.Find("field"), helper.Model, default));
    }

    [Fact]
    public void Writes_under_a_lock_are_collected_once_per_type()
    {
        var helper = ConcurrencyTestHelper.Create("""
            class C
            {
                readonly object _sync = new object();
                int _guarded;
                int _free;
                C() { lock (_sync) { _free = 1; } }
                void A() { lock (_sync) { _guarded++; } }
                void B() { _free++; }
            }
            """);
        var type = helper.Compilation.GetTypeByMetadataName("C")!;
        var locked = SharedStorage.GetLockedWrites(helper.Model, type, default);
        var pair = Assert.Single(locked);
        Assert.Equal("_guarded", pair.Key.Name);
        Assert.Equal("lock(_sync)", pair.Value.Describe());
        Assert.Same(locked, SharedStorage.GetLockedWrites(helper.Model, type, default));
    }
}
