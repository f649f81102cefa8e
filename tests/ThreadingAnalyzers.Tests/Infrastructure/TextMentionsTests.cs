using Microsoft.CodeAnalysis.CSharp;
using ThreadingAnalyzers.Infrastructure;

namespace ThreadingAnalyzers.Tests.Infrastructure;

public class TextMentionsTests
{
    private static readonly string[] Words = { "Task", "Run" };

    private static bool MayMention(string text, bool implicitNew = false)
        => TextMentions.MayMention(CSharpSyntaxTree.ParseText(text), Words, implicitNew, default);

    [Theory]
    [InlineData("class C { void M() { Task.Run(() => { }); } }")]
    [InlineData("class C { object t = @Task; }")]
    [InlineData("// Run later\nclass C { }")]
    [InlineData("class C { object t = \\u0054ask.Factory; }")]
    public void A_whole_word_or_an_escape_may_mention(string text)
        => Assert.True(MayMention(text));

    [Theory]
    [InlineData("class C { void Tasks() { RunAll(); } }")]
    [InlineData("class C { int Running; string s = \"TaskRunner\"; }")]
    public void A_longer_word_does_not(string text)
        => Assert.False(MayMention(text));

    [Theory]
    [InlineData("class C { D d = new(() => { }); }")]
    [InlineData("class C { D d = new\n (x); }")]
    public void A_target_typed_new_counts_when_asked(string text)
    {
        Assert.True(MayMention(text, implicitNew: true));
        Assert.False(MayMention(text));
    }

    [Fact]
    public void Word_positions_are_the_whole_words_and_target_typed_news_in_order()
    {
        const string text = "class C { D d = new(() => Task.Run(F)); void Running() { RunAll(); Task t; } }";
        var positions = TextMentions.WordPositions(CSharpSyntaxTree.ParseText(text), Words, implicitNew: true, default);

        Assert.Equal(new[] { text.IndexOf("new(", System.StringComparison.Ordinal), text.IndexOf("Task.", System.StringComparison.Ordinal), text.IndexOf("Run(F", System.StringComparison.Ordinal), text.LastIndexOf("Task", System.StringComparison.Ordinal) }, positions);
    }

    [Fact]
    public void A_word_that_contains_another_word_is_found_once_and_a_longer_word_not_at_all()
    {
        const string text = "class C { void M() { ForEach(x); For(y); Format(z); EnterReadLock(); } }";
        var positions = TextMentions.WordPositions(CSharpSyntaxTree.ParseText(text), new[] { "ForEach", "For", "Enter", "Lock", "EnterReadLock" }, implicitNew: false, default);

        Assert.Equal(new[] { text.IndexOf("ForEach", System.StringComparison.Ordinal), text.IndexOf("For(", System.StringComparison.Ordinal), text.IndexOf("EnterReadLock", System.StringComparison.Ordinal) }, positions);
    }

    [Theory]
    [InlineData("class C { object t = \\u0054ask.Factory; }")]
    [InlineData("class C { object t = Ta\u200Bsk.Factory; }")]
    public void Word_positions_include_an_identifier_that_hides_a_word(string text)
        => Assert.Equal(new[] { 21 }, TextMentions.WordPositions(CSharpSyntaxTree.ParseText(text), Words, implicitNew: false, default));

    [Theory]
    [InlineData("class C { string s = \"\\u0054ask\"; }")]
    [InlineData("class C { char c = '\\u0052'; } // \\u0054ask")]
    [InlineData("class C { object t = \\u0046oo.Factory; }")]
    [InlineData("class C { object t = Ta\u200Bsks; }")]
    public void An_escape_outside_a_hidden_word_does_not_mention(string text)
    {
        Assert.False(MayMention(text));
        Assert.Empty(TextMentions.WordPositions(CSharpSyntaxTree.ParseText(text), Words, implicitNew: false, default));
    }

    [Theory]
    [InlineData(0, 5, true)]
    [InlineData(6, 4, true)]
    [InlineData(6, 3, false)]
    [InlineData(11, 5, false)]
    [InlineData(21, 1, false)]
    public void Any_within_finds_a_position_inside_the_span(int start, int length, bool expected)
        => Assert.Equal(expected, TextMentions.AnyWithin(new System.Collections.Generic.List<int> { 2, 9, 20 }, new Microsoft.CodeAnalysis.Text.TextSpan(start, length)));
}
