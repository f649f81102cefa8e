using System;
using System.Collections.Generic;

namespace ThreadingAnalyzers.Benchmarks.Corpus;

/// <summary>
/// Ordinary business code with no threading at all: entities and repositories, records and mapping, parsers,
/// validators, value types, state machines, formatting, graph walks with <c>Queue&lt;T&gt;</c>/<c>Stack&lt;T&gt;</c>,
/// events, iterators, result types, fluent builders. It never mentions <c>System.Threading</c>; it does use the
/// member names a threading rule might prefilter on (<c>Start</c>, <c>Run</c>, <c>Add</c>, <c>Enqueue</c>,
/// <c>string.Join</c>…), as real code does.
/// </summary>
internal static class PlainCode
{
    public const string SharedFile = """
        using System;
        using System.Collections.Generic;
        using System.Globalization;

        namespace Corpus.Shared;

        public readonly record struct Money(decimal Amount, string Currency)
        {
            public static Money Zero(string currency) => new(0m, currency);

            public Money Add(Money other)
            {
                if (!string.Equals(Currency, other.Currency, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Cannot add {other.Currency} to {Currency}.");
                }

                return new Money(Amount + other.Amount, Currency);
            }

            public override string ToString() => Amount.ToString("0.00", CultureInfo.InvariantCulture) + " " + Currency;
        }

        public abstract class Entity
        {
            protected Entity(int id)
            {
                Id = id;
            }

            public int Id { get; }

            public DateTime CreatedUtc { get; init; } = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

            public override bool Equals(object? obj) => obj is Entity other && other.GetType() == GetType() && other.Id == Id;

            public override int GetHashCode() => HashCode.Combine(GetType(), Id);
        }

        public sealed class Result<T>
        {
            private Result(T? value, string? error)
            {
                Value = value;
                Error = error;
            }

            public T? Value { get; }

            public string? Error { get; }

            public bool IsSuccess => Error is null;

            public static Result<T> Success(T value) => new(value, null);

            public static Result<T> Failure(string error) => new(default, error);

            public Result<TOut> Map<TOut>(Func<T, TOut> map) => IsSuccess ? Result<TOut>.Success(map(Value!)) : Result<TOut>.Failure(Error!);
        }

        public static class Guard
        {
            public static string NotEmpty(string? value, string name)
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    throw new ArgumentException("Value must not be empty.", name);
                }

                return value;
            }

            public static int InRange(int value, int min, int max, string name)
            {
                if (value < min || value > max)
                {
                    throw new ArgumentOutOfRangeException(name, value, $"Expected {min}..{max}.");
                }

                return value;
            }
        }

        public interface IClock
        {
            DateTime UtcNow { get; }
        }

        public sealed class FixedClock : IClock
        {
            public FixedClock(DateTime now)
            {
                UtcNow = now;
            }

            public DateTime UtcNow { get; }
        }
        """;

    private static readonly Func<FileContext, string>[] Templates =
    [
        Repository, Mapping, Tokenizer, Validator, Geometry, StateMachine, ReportFormatter, Graph, Events, Iterators,
        Results, Builder,
    ];

    /// <summary>One file of plain code.</summary>
    public static string File(FileContext ctx) => Templates[ctx.Index % Templates.Length](ctx);

    /// <summary>A few plain helper methods, mixed into generated classes of both corpora as real classes have them.</summary>
    public static string HelperMethods(FileContext ctx)
    {
        var parts = new List<string>();
        var count = ctx.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            parts.Add((ctx.Next(0, 5)) switch
            {
                0 => $$"""
                    private static string Describe{{i}}(string name, int count, double ratio)
                    {
                        var builder = new System.Text.StringBuilder();
                        builder.Append(name).Append(": ").Append(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        if (ratio > 0.5)
                        {
                            builder.Append(" (mostly)");
                        }
                        else if (ratio > 0)
                        {
                            builder.Append(" (partly)");
                        }

                        return builder.ToString();
                    }
                    """,
                1 => $$"""
                    private static IReadOnlyList<string> Normalize{{i}}(IEnumerable<string> values)
                    {
                        var result = new List<string>();
                        foreach (var value in values)
                        {
                            var trimmed = value.Trim();
                            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                            {
                                continue;
                            }

                            result.Add(trimmed.ToUpperInvariant());
                        }

                        result.Sort(StringComparer.Ordinal);
                        return result;
                    }
                    """,
                2 => $$"""
                    private static int Score{{i}}(string code) => code.Length switch
                    {
                        0 => 0,
                        < 4 => 1,
                        < 8 when code.Contains('-', StringComparison.Ordinal) => 2,
                        < 8 => 3,
                        _ => 4 + code.Length / 8,
                    };
                    """,
                3 => $$"""
                    private static Dictionary<string, int> Tally{{i}}(IEnumerable<string> words)
                    {
                        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                        foreach (var word in words)
                        {
                            counts[word] = counts.TryGetValue(word, out var current) ? current + 1 : 1;
                        }

                        return counts;
                    }
                    """,
                _ => $$"""
                    private static double Clamp{{i}}(double value, double min, double max)
                    {
                        if (double.IsNaN(value))
                        {
                            return min;
                        }

                        return Math.Min(max, Math.Max(min, value));
                    }
                    """,
            });
        }

        return string.Join("\n\n", parts);
    }

    private static string Repository(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using Corpus.Shared;

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}{{ctx.Id}} : Entity
        {
            public {{ctx.Noun}}{{ctx.Id}}(int id, string name, Money total, string region)
                : base(id)
            {
                Name = Guard.NotEmpty(name, nameof(name));
                Total = total;
                Region = region;
            }

            public string Name { get; private set; }

            public Money Total { get; private set; }

            public string Region { get; }

            public List<string> Tags { get; } = new();

            public bool IsArchived { get; private set; }

            public void Rename(string name) => Name = Guard.NotEmpty(name, nameof(name));

            public void Archive() => IsArchived = true;

            public void Add(Money amount) => Total = Total.Add(amount);
        }

        public sealed class {{ctx.Noun}}Repository{{ctx.Id}}
        {
            private readonly Dictionary<int, {{ctx.Noun}}{{ctx.Id}}> _byId = new();
            private readonly List<{{ctx.Noun}}{{ctx.Id}}> _all = new();

            public int Count => _all.Count;

            public void Add({{ctx.Noun}}{{ctx.Id}} item)
            {
                if (_byId.ContainsKey(item.Id))
                {
                    throw new InvalidOperationException($"{{ctx.Noun}} {item.Id} already exists.");
                }

                _byId.Add(item.Id, item);
                _all.Add(item);
            }

            public {{ctx.Noun}}{{ctx.Id}}? Find(int id) => _byId.TryGetValue(id, out var item) ? item : null;

            public bool Remove(int id)
            {
                if (!_byId.Remove(id, out var item))
                {
                    return false;
                }

                _all.Remove(item);
                return true;
            }

            public IReadOnlyList<{{ctx.Noun}}{{ctx.Id}}> Search(string? text, string? region, int skip, int take)
            {
                IEnumerable<{{ctx.Noun}}{{ctx.Id}}> query = _all.Where(x => !x.IsArchived);
                if (!string.IsNullOrEmpty(text))
                {
                    query = query.Where(x => x.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || x.Tags.Contains(text));
                }

                if (region is not null)
                {
                    query = query.Where(x => string.Equals(x.Region, region, StringComparison.Ordinal));
                }

                return query.OrderBy(x => x.Name, StringComparer.Ordinal).ThenBy(x => x.Id).Skip(skip).Take(take).ToList();
            }

            public IReadOnlyDictionary<string, decimal> TotalsByRegion()
            {
                var totals = new Dictionary<string, decimal>(StringComparer.Ordinal);
                foreach (var item in _all)
                {
                    {{ctx.Rep("""
                    if (item.IsArchived)
                    {
                        continue;
                    }

                    totals[item.Region] = totals.TryGetValue(item.Region, out var sum) ? sum + item.Total.Amount : item.Total.Amount;
                    """, 2)}}
                }

                return totals;
            }

            public IEnumerable<IGrouping<string, {{ctx.Noun}}{{ctx.Id}}>> ByFirstTag()
                => _all.Where(x => x.Tags.Count > 0).GroupBy(x => x.Tags[0], StringComparer.Ordinal);

            public string Summary() => string.Join(", ", _all.Select(x => x.Name + "=" + x.Total));

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string Mapping(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace {{ctx.Namespace}};

        public enum {{ctx.Noun}}Status{{ctx.Id}}
        {
            Draft,
            Submitted,
            Approved,
            Rejected,
            Closed,
        }

        public sealed record {{ctx.Noun}}Dto{{ctx.Id}}(int Id, string Title, string Status, decimal Amount, string[] Lines);

        public sealed record {{ctx.Noun}}Model{{ctx.Id}}(int Id, string Title, {{ctx.Noun}}Status{{ctx.Id}} Status, decimal Amount, IReadOnlyList<string> Lines)
        {
            public bool IsOpen => Status is {{ctx.Noun}}Status{{ctx.Id}}.Draft or {{ctx.Noun}}Status{{ctx.Id}}.Submitted;
        }

        public static class {{ctx.Noun}}Mapper{{ctx.Id}}
        {
            public static {{ctx.Noun}}Model{{ctx.Id}} ToModel({{ctx.Noun}}Dto{{ctx.Id}} dto)
            {
                ArgumentNullException.ThrowIfNull(dto);
                var status = dto.Status.ToUpperInvariant() switch
                {
                    "DRAFT" => {{ctx.Noun}}Status{{ctx.Id}}.Draft,
                    "SUBMITTED" => {{ctx.Noun}}Status{{ctx.Id}}.Submitted,
                    "APPROVED" => {{ctx.Noun}}Status{{ctx.Id}}.Approved,
                    "REJECTED" => {{ctx.Noun}}Status{{ctx.Id}}.Rejected,
                    "CLOSED" => {{ctx.Noun}}Status{{ctx.Id}}.Closed,
                    _ => throw new FormatException($"Unknown status '{dto.Status}'."),
                };
                return new {{ctx.Noun}}Model{{ctx.Id}}(dto.Id, dto.Title.Trim(), status, Math.Round(dto.Amount, 2), dto.Lines.Where(l => l.Length > 0).ToArray());
            }

            public static {{ctx.Noun}}Dto{{ctx.Id}} ToDto({{ctx.Noun}}Model{{ctx.Id}} model)
                => new(model.Id, model.Title, model.Status.ToString(), model.Amount, model.Lines.ToArray());

            public static {{ctx.Noun}}Model{{ctx.Id}} Approve({{ctx.Noun}}Model{{ctx.Id}} model) => model.Status switch
            {
                {{ctx.Noun}}Status{{ctx.Id}}.Submitted => model with { Status = {{ctx.Noun}}Status{{ctx.Id}}.Approved },
                {{ctx.Noun}}Status{{ctx.Id}}.Approved => model,
                _ => throw new InvalidOperationException($"Cannot approve a {model.Status} {{ctx.Lower}}."),
            };

            public static IReadOnlyList<{{ctx.Noun}}Model{{ctx.Id}}> ToModels(IEnumerable<{{ctx.Noun}}Dto{{ctx.Id}}> dtos)
            {
                var models = new List<{{ctx.Noun}}Model{{ctx.Id}}>();
                foreach (var dto in dtos)
                {
                    {{ctx.Rep("""
                    try
                    {
                        models.Add(ToModel(dto));
                    }
                    catch (FormatException)
                    {
                        models.Add(new(dto.Id, dto.Title, default, 0m, Array.Empty<string>()));
                    }
                    """, 2)}}
                }

                return models;
            }

            public static decimal OpenAmount(IEnumerable<{{ctx.Noun}}Model{{ctx.Id}}> models)
                => models.Where(m => m.IsOpen).Sum(m => m.Amount);

            public static ILookup<{{ctx.Noun}}Status{{ctx.Id}}, int> IdsByStatus(IEnumerable<{{ctx.Noun}}Model{{ctx.Id}}> models)
                => models.ToLookup(m => m.Status, m => m.Id);

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string Tokenizer(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Globalization;
        using System.Text;

        namespace {{ctx.Namespace}};

        public enum {{ctx.Noun}}TokenKind{{ctx.Id}}
        {
            Number,
            Identifier,
            String,
            Symbol,
            End,
        }

        public readonly record struct {{ctx.Noun}}Token{{ctx.Id}}({{ctx.Noun}}TokenKind{{ctx.Id}} Kind, string Text, int Position);

        public sealed class {{ctx.Noun}}Tokenizer{{ctx.Id}}
        {
            private readonly string _text;
            private int _position;

            public {{ctx.Noun}}Tokenizer{{ctx.Id}}(string text)
            {
                _text = text ?? throw new ArgumentNullException(nameof(text));
            }

            public IEnumerable<{{ctx.Noun}}Token{{ctx.Id}}> Tokens()
            {
                while (true)
                {
                    var token = Next();
                    yield return token;
                    if (token.Kind == {{ctx.Noun}}TokenKind{{ctx.Id}}.End)
                    {
                        yield break;
                    }
                }
            }

            public {{ctx.Noun}}Token{{ctx.Id}} Next()
            {
                while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
                {
                    _position++;
                }

                if (_position >= _text.Length)
                {
                    return new({{ctx.Noun}}TokenKind{{ctx.Id}}.End, string.Empty, _position);
                }

                var start = _position;
                var c = _text[_position];
                if (char.IsDigit(c))
                {
                    while (_position < _text.Length && (char.IsDigit(_text[_position]) || _text[_position] == '.'))
                    {
                        _position++;
                    }

                    return new({{ctx.Noun}}TokenKind{{ctx.Id}}.Number, _text.Substring(start, _position - start), start);
                }

                if (char.IsLetter(c) || c == '_')
                {
                    while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] == '_'))
                    {
                        _position++;
                    }

                    return new({{ctx.Noun}}TokenKind{{ctx.Id}}.Identifier, _text.Substring(start, _position - start), start);
                }

                if (c == '"')
                {
                    var builder = new StringBuilder();
                    _position++;
                    while (_position < _text.Length && _text[_position] != '"')
                    {
                        if (_text[_position] == '\\' && _position + 1 < _text.Length)
                        {
                            _position++;
                        }

                        builder.Append(_text[_position]);
                        _position++;
                    }

                    _position++;
                    return new({{ctx.Noun}}TokenKind{{ctx.Id}}.String, builder.ToString(), start);
                }

                _position++;
                return new({{ctx.Noun}}TokenKind{{ctx.Id}}.Symbol, c.ToString(), start);
            }

            public static double Evaluate(string expression)
            {
                var tokenizer = new {{ctx.Noun}}Tokenizer{{ctx.Id}}(expression);
                var total = 0.0;
                var sign = 1.0;
                foreach (var token in tokenizer.Tokens())
                {
                    {{ctx.Rep("""
                    switch (token.Kind)
                    {
                        case {0}TokenKind{1}.Number:
                            total += sign * double.Parse(token.Text, CultureInfo.InvariantCulture);
                            break;
                        case {0}TokenKind{1}.Symbol when token.Text == "-":
                            sign = -1.0;
                            continue;
                        case {0}TokenKind{1}.Symbol when token.Text == "+":
                            sign = 1.0;
                            continue;
                        case {0}TokenKind{1}.Identifier:
                            throw new FormatException("Variables are not supported: " + token.Text);
                    }

                    sign = 1.0;
                    """.Replace("{0}", ctx.Noun, StringComparison.Ordinal).Replace("{1}", ctx.Id, StringComparison.Ordinal), 2)}}
                }

                return total;
            }

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string Validator(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Form{{ctx.Id}}
        {
            public string? Name { get; set; }

            public string? Email { get; set; }

            public int Quantity { get; set; }

            public DateTime? Due { get; set; }

            public List<string> Codes { get; } = new();
        }

        public sealed class {{ctx.Noun}}Validator{{ctx.Id}}
        {
            private readonly int _maxQuantity;
            private readonly HashSet<string> _knownCodes;

            public {{ctx.Noun}}Validator{{ctx.Id}}(int maxQuantity, IEnumerable<string> knownCodes)
            {
                _maxQuantity = maxQuantity;
                _knownCodes = new HashSet<string>(knownCodes, StringComparer.OrdinalIgnoreCase);
            }

            public IReadOnlyList<string> Validate({{ctx.Noun}}Form{{ctx.Id}} form, DateTime today)
            {
                var errors = new List<string>();
                if (string.IsNullOrWhiteSpace(form.Name))
                {
                    errors.Add("Name is required.");
                }
                else if (form.Name.Length > {{ctx.Next(40, 200)}})
                {
                    errors.Add("Name is too long.");
                }

                if (form.Email is { Length: > 0 } email && (!email.Contains('@', StringComparison.Ordinal) || email.EndsWith('.')))
                {
                    errors.Add("Email is not valid.");
                }

                if (form.Quantity <= 0 || form.Quantity > _maxQuantity)
                {
                    errors.Add($"Quantity must be between 1 and {_maxQuantity}.");
                }

                if (form.Due is { } due && due.Date < today.Date)
                {
                    errors.Add("Due date is in the past.");
                }

                foreach (var code in form.Codes)
                {
                    {{ctx.Rep("""
                    if (!_knownCodes.Contains(code))
                    {
                        errors.Add($"Unknown code '{code}'.");
                    }
                    else if (form.Codes.Count(c => string.Equals(c, code, StringComparison.OrdinalIgnoreCase)) > 1)
                    {
                        errors.Add($"Duplicate code '{code}'.");
                    }
                    """, 2)}}
                }

                return errors.Distinct(StringComparer.Ordinal).ToList();
            }

            public bool IsValid({{ctx.Noun}}Form{{ctx.Id}} form, DateTime today) => Validate(form, today).Count == 0;

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string Geometry(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;

        namespace {{ctx.Namespace}};

        public readonly struct {{ctx.Noun}}Vector{{ctx.Id}} : IEquatable<{{ctx.Noun}}Vector{{ctx.Id}}>
        {
            public {{ctx.Noun}}Vector{{ctx.Id}}(double x, double y)
            {
                X = x;
                Y = y;
            }

            public double X { get; }

            public double Y { get; }

            public double Length => Math.Sqrt((X * X) + (Y * Y));

            public static {{ctx.Noun}}Vector{{ctx.Id}} operator +({{ctx.Noun}}Vector{{ctx.Id}} a, {{ctx.Noun}}Vector{{ctx.Id}} b) => new(a.X + b.X, a.Y + b.Y);

            public static {{ctx.Noun}}Vector{{ctx.Id}} operator -({{ctx.Noun}}Vector{{ctx.Id}} a, {{ctx.Noun}}Vector{{ctx.Id}} b) => new(a.X - b.X, a.Y - b.Y);

            public static {{ctx.Noun}}Vector{{ctx.Id}} operator *({{ctx.Noun}}Vector{{ctx.Id}} a, double k) => new(a.X * k, a.Y * k);

            public static bool operator ==({{ctx.Noun}}Vector{{ctx.Id}} a, {{ctx.Noun}}Vector{{ctx.Id}} b) => a.Equals(b);

            public static bool operator !=({{ctx.Noun}}Vector{{ctx.Id}} a, {{ctx.Noun}}Vector{{ctx.Id}} b) => !a.Equals(b);

            public double Dot({{ctx.Noun}}Vector{{ctx.Id}} other) => (X * other.X) + (Y * other.Y);

            public {{ctx.Noun}}Vector{{ctx.Id}} Normalized()
            {
                var length = Length;
                return length < 1e-12 ? this : new(X / length, Y / length);
            }

            public bool Equals({{ctx.Noun}}Vector{{ctx.Id}} other) => X.Equals(other.X) && Y.Equals(other.Y);

            public override bool Equals(object? obj) => obj is {{ctx.Noun}}Vector{{ctx.Id}} other && Equals(other);

            public override int GetHashCode() => HashCode.Combine(X, Y);

            public override string ToString() => FormattableString.Invariant($"({X:0.###}, {Y:0.###})");
        }

        public static class {{ctx.Noun}}Polygon{{ctx.Id}}
        {
            public static double Area(IReadOnlyList<{{ctx.Noun}}Vector{{ctx.Id}}> points)
            {
                var area = 0.0;
                for (var i = 0; i < points.Count; i++)
                {
                    {{ctx.Rep("""
                    var a = points[i];
                    var b = points[(i + 1) % points.Count];
                    area += (a.X * b.Y) - (b.X * a.Y);
                    """, 2)}}
                }

                return Math.Abs(area) / 2.0;
            }

            public static {{ctx.Noun}}Vector{{ctx.Id}} Centroid(IReadOnlyList<{{ctx.Noun}}Vector{{ctx.Id}}> points)
            {
                if (points.Count == 0)
                {
                    throw new ArgumentException("No points.", nameof(points));
                }

                var sum = new {{ctx.Noun}}Vector{{ctx.Id}}(0, 0);
                foreach (var point in points)
                {
                    sum += point;
                }

                return sum * (1.0 / points.Count);
            }

            public static bool Contains(IReadOnlyList<{{ctx.Noun}}Vector{{ctx.Id}}> polygon, {{ctx.Noun}}Vector{{ctx.Id}} point)
            {
                var inside = false;
                for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
                {
                    var pi = polygon[i];
                    var pj = polygon[j];
                    if ((pi.Y > point.Y) != (pj.Y > point.Y)
                        && point.X < ((pj.X - pi.X) * (point.Y - pi.Y) / (pj.Y - pi.Y)) + pi.X)
                    {
                        inside = !inside;
                    }
                }

                return inside;
            }

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string StateMachine(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;

        namespace {{ctx.Namespace}};

        public enum {{ctx.Noun}}State{{ctx.Id}}
        {
            Idle,
            Running,
            Paused,
            Stopped,
            Failed,
        }

        public enum {{ctx.Noun}}Trigger{{ctx.Id}}
        {
            Start,
            Pause,
            Resume,
            Stop,
            Fail,
            Reset,
        }

        public sealed class {{ctx.Noun}}Machine{{ctx.Id}}
        {
            private readonly List<({{ctx.Noun}}State{{ctx.Id}} From, {{ctx.Noun}}State{{ctx.Id}} To)> _history = new();

            public {{ctx.Noun}}State{{ctx.Id}} State { get; private set; } = {{ctx.Noun}}State{{ctx.Id}}.Idle;

            public event EventHandler<{{ctx.Noun}}State{{ctx.Id}}>? Changed;

            public IReadOnlyList<({{ctx.Noun}}State{{ctx.Id}} From, {{ctx.Noun}}State{{ctx.Id}} To)> History => _history;

            public void Start() => Fire({{ctx.Noun}}Trigger{{ctx.Id}}.Start);

            public void Stop() => Fire({{ctx.Noun}}Trigger{{ctx.Id}}.Stop);

            public bool CanFire({{ctx.Noun}}Trigger{{ctx.Id}} trigger) => Next(State, trigger) is not null;

            public void Fire({{ctx.Noun}}Trigger{{ctx.Id}} trigger)
            {
                var next = Next(State, trigger) ?? throw new InvalidOperationException($"{trigger} is not allowed in {State}.");
                _history.Add((State, next));
                State = next;
                Changed?.Invoke(this, next);
            }

            private static {{ctx.Noun}}State{{ctx.Id}}? Next({{ctx.Noun}}State{{ctx.Id}} state, {{ctx.Noun}}Trigger{{ctx.Id}} trigger) => (state, trigger) switch
            {
                ({{ctx.Noun}}State{{ctx.Id}}.Idle, {{ctx.Noun}}Trigger{{ctx.Id}}.Start) => {{ctx.Noun}}State{{ctx.Id}}.Running,
                ({{ctx.Noun}}State{{ctx.Id}}.Running, {{ctx.Noun}}Trigger{{ctx.Id}}.Pause) => {{ctx.Noun}}State{{ctx.Id}}.Paused,
                ({{ctx.Noun}}State{{ctx.Id}}.Paused, {{ctx.Noun}}Trigger{{ctx.Id}}.Resume) => {{ctx.Noun}}State{{ctx.Id}}.Running,
                ({{ctx.Noun}}State{{ctx.Id}}.Running or {{ctx.Noun}}State{{ctx.Id}}.Paused, {{ctx.Noun}}Trigger{{ctx.Id}}.Stop) => {{ctx.Noun}}State{{ctx.Id}}.Stopped,
                (_, {{ctx.Noun}}Trigger{{ctx.Id}}.Fail) => {{ctx.Noun}}State{{ctx.Id}}.Failed,
                ({{ctx.Noun}}State{{ctx.Id}}.Stopped or {{ctx.Noun}}State{{ctx.Id}}.Failed, {{ctx.Noun}}Trigger{{ctx.Id}}.Reset) => {{ctx.Noun}}State{{ctx.Id}}.Idle,
                _ => null,
            };

            public static int CountRuns(IEnumerable<{{ctx.Noun}}Trigger{{ctx.Id}}> triggers)
            {
                var machine = new {{ctx.Noun}}Machine{{ctx.Id}}();
                var runs = 0;
                machine.Changed += (_, state) =>
                {
                    if (state == {{ctx.Noun}}State{{ctx.Id}}.Running)
                    {
                        runs++;
                    }
                };
                foreach (var trigger in triggers)
                {
                    {{ctx.Rep("""
                    if (machine.CanFire(trigger))
                    {
                        machine.Fire(trigger);
                    }
                    """, 2)}}
                }

                return runs;
            }

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string ReportFormatter(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Globalization;
        using System.Linq;
        using System.Text;

        namespace {{ctx.Namespace}};

        public sealed record {{ctx.Noun}}Row{{ctx.Id}}(string Name, int Count, decimal Amount, DateTime Date);

        public sealed class {{ctx.Noun}}Report{{ctx.Id}}
        {
            private readonly CultureInfo _culture;
            private readonly List<{{ctx.Noun}}Row{{ctx.Id}}> _rows = new();

            public {{ctx.Noun}}Report{{ctx.Id}}(string cultureName = "en-US")
            {
                _culture = CultureInfo.GetCultureInfo(cultureName);
            }

            public void Add({{ctx.Noun}}Row{{ctx.Id}} row) => _rows.Add(row);

            public string ToCsv()
            {
                var builder = new StringBuilder();
                builder.AppendLine("name,count,amount,date");
                foreach (var row in _rows)
                {
                    {{ctx.Rep("""
                    builder.Append(Escape(row.Name)).Append(',')
                        .Append(row.Count.ToString(CultureInfo.InvariantCulture)).Append(',')
                        .Append(row.Amount.ToString("0.00", CultureInfo.InvariantCulture)).Append(',')
                        .AppendLine(row.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    """, 2)}}
                }

                return builder.ToString();
            }

            public string ToTable()
            {
                var width = _rows.Count == 0 ? 4 : Math.Max(4, _rows.Max(r => r.Name.Length));
                var lines = new List<string> { "Name".PadRight(width) + " | Count | Amount" };
                lines.AddRange(_rows
                    .OrderByDescending(r => r.Amount)
                    .Select(r => r.Name.PadRight(width) + " | " + r.Count.ToString(_culture).PadLeft(5) + " | " + r.Amount.ToString("C", _culture)));
                return string.Join(Environment.NewLine, lines);
            }

            public string Totals()
            {
                var byMonth = _rows.GroupBy(r => new DateTime(r.Date.Year, r.Date.Month, 1))
                    .OrderBy(g => g.Key)
                    .Select(g => $"{g.Key:yyyy-MM}: {g.Sum(r => r.Amount).ToString("N2", _culture)} over {g.Sum(r => r.Count)} items");
                return string.Join("; ", byMonth);
            }

            private static string Escape(string value)
                => value.IndexOfAny(new[] { ',', '"', '\n' }) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string Graph(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Graph{{ctx.Id}}
        {
            private readonly Dictionary<string, List<string>> _edges = new(StringComparer.Ordinal);

            public void Add(string from, string to)
            {
                if (!_edges.TryGetValue(from, out var targets))
                {
                    targets = new List<string>();
                    _edges.Add(from, targets);
                }

                targets.Add(to);
                if (!_edges.ContainsKey(to))
                {
                    _edges.Add(to, new List<string>());
                }
            }

            public IReadOnlyList<string> BreadthFirst(string start)
            {
                var order = new List<string>();
                var seen = new HashSet<string>(StringComparer.Ordinal) { start };
                var queue = new Queue<string>();
                queue.Enqueue(start);
                while (queue.Count > 0)
                {
                    var node = queue.Dequeue();
                    order.Add(node);
                    foreach (var next in _edges[node])
                    {
                        {{ctx.Rep("""
                        if (seen.Add(next))
                        {
                            queue.Enqueue(next);
                        }
                        """, 3)}}
                    }
                }

                return order;
            }

            public IReadOnlyList<string> DepthFirst(string start)
            {
                var order = new List<string>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var stack = new Stack<string>();
                stack.Push(start);
                while (stack.Count > 0)
                {
                    var node = stack.Pop();
                    if (!seen.Add(node))
                    {
                        continue;
                    }

                    order.Add(node);
                    for (var i = _edges[node].Count - 1; i >= 0; i--)
                    {
                        stack.Push(_edges[node][i]);
                    }
                }

                return order;
            }

            public IReadOnlyList<string>? TopologicalOrder()
            {
                var incoming = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var node in _edges.Keys)
                {
                    incoming.TryAdd(node, 0);
                    foreach (var target in _edges[node])
                    {
                        incoming[target] = incoming.TryGetValue(target, out var n) ? n + 1 : 1;
                    }
                }

                var ready = new Queue<string>();
                foreach (var pair in incoming)
                {
                    if (pair.Value == 0)
                    {
                        ready.Enqueue(pair.Key);
                    }
                }

                var result = new List<string>();
                while (ready.TryDequeue(out var node))
                {
                    result.Add(node);
                    foreach (var target in _edges[node])
                    {
                        if (--incoming[target] == 0)
                        {
                            ready.Enqueue(target);
                        }
                    }
                }

                return result.Count == incoming.Count ? result : null;
            }

            public string Describe() => string.Join(" ", BreadthFirst("{{ctx.Lower}}"));

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string Events(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}ChangedEventArgs{{ctx.Id}} : EventArgs
        {
            public {{ctx.Noun}}ChangedEventArgs{{ctx.Id}}(string key, object? oldValue, object? newValue)
            {
                Key = key;
                OldValue = oldValue;
                NewValue = newValue;
            }

            public string Key { get; }

            public object? OldValue { get; }

            public object? NewValue { get; }
        }

        public sealed class {{ctx.Noun}}Bus{{ctx.Id}}
        {
            private readonly Dictionary<Type, List<Action<object>>> _handlers = new();

            public event EventHandler<{{ctx.Noun}}ChangedEventArgs{{ctx.Id}}>? Changed;

            public IDisposable Subscribe<T>(Action<T> handler)
            {
                if (!_handlers.TryGetValue(typeof(T), out var list))
                {
                    list = new List<Action<object>>();
                    _handlers[typeof(T)] = list;
                }

                Action<object> wrapper = message => handler((T)message);
                list.Add(wrapper);
                return new Subscription(() => list.Remove(wrapper));
            }

            public int Publish<T>(T message)
                where T : notnull
            {
                if (!_handlers.TryGetValue(typeof(T), out var list))
                {
                    return 0;
                }

                foreach (var handler in list.ToArray())
                {
                    {{ctx.Rep("""
                    handler(message);
                    """, 2)}}
                }

                return list.Count;
            }

            public void Set(string key, object? oldValue, object? newValue)
            {
                if (Equals(oldValue, newValue))
                {
                    return;
                }

                Changed?.Invoke(this, new {{ctx.Noun}}ChangedEventArgs{{ctx.Id}}(key, oldValue, newValue));
            }

            private sealed class Subscription : IDisposable
            {
                private Action? _dispose;

                public Subscription(Action dispose)
                {
                    _dispose = dispose;
                }

                public void Dispose()
                {
                    _dispose?.Invoke();
                    _dispose = null;
                }
            }

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string Iterators(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace {{ctx.Namespace}};

        public static class {{ctx.Noun}}Sequences{{ctx.Id}}
        {
            public static IEnumerable<T[]> Chunk<T>(IEnumerable<T> source, int size)
            {
                var chunk = new List<T>(size);
                foreach (var item in source)
                {
                    chunk.Add(item);
                    if (chunk.Count == size)
                    {
                        yield return chunk.ToArray();
                        chunk.Clear();
                    }
                }

                if (chunk.Count > 0)
                {
                    yield return chunk.ToArray();
                }
            }

            public static IEnumerable<(T Previous, T Current)> Pairwise<T>(IEnumerable<T> source)
            {
                using var enumerator = source.GetEnumerator();
                if (!enumerator.MoveNext())
                {
                    yield break;
                }

                var previous = enumerator.Current;
                while (enumerator.MoveNext())
                {
                    yield return (previous, enumerator.Current);
                    previous = enumerator.Current;
                }
            }

            public static IEnumerable<int> Primes(int limit)
            {
                var sieve = new bool[limit + 1];
                for (var i = 2; i <= limit; i++)
                {
                    if (sieve[i])
                    {
                        continue;
                    }

                    yield return i;
                    for (var j = i * 2; j <= limit; j += i)
                    {
                        sieve[j] = true;
                    }
                }
            }

            public static double MovingAverage(IReadOnlyList<double> values, int window)
            {
                var total = 0.0;
                var count = 0;
                for (var i = Math.Max(0, values.Count - window); i < values.Count; i++)
                {
                    {{ctx.Rep("""
                    total += values[i];
                    count++;
                    """, 2)}}
                }

                return count == 0 ? 0 : total / count;
            }

            public static IEnumerable<string> Run(IEnumerable<string> lines)
                => lines.Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).OrderBy(l => l, StringComparer.Ordinal);

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string Results(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Globalization;
        using System.IO;
        using Corpus.Shared;

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Importer{{ctx.Id}}
        {
            private readonly IClock _clock;
            private readonly List<string> _warnings = new();

            public {{ctx.Noun}}Importer{{ctx.Id}}(IClock clock)
            {
                _clock = clock;
            }

            public IReadOnlyList<string> Warnings => _warnings;

            public Result<IReadOnlyList<(string Name, decimal Amount)>> Import(string text)
            {
                var rows = new List<(string, decimal)>();
                using var reader = new StringReader(text);
                var lineNumber = 0;
                string? line;
                while ((line = reader.ReadLine()) is not null)
                {
                    lineNumber++;
                    {{ctx.Rep("""
                    if (line.Length == 0 || line[0] == '#')
                    {
                        continue;
                    }

                    var parts = line.Split(';');
                    if (parts.Length != 2)
                    {
                        _warnings.Add($"Line {lineNumber}: expected 2 fields, found {parts.Length}.");
                        continue;
                    }

                    if (!decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
                    {
                        return Result<IReadOnlyList<(string Name, decimal Amount)>>.Failure($"Line {lineNumber}: '{parts[1]}' is not a number.");
                    }

                    rows.Add((parts[0].Trim(), amount));
                    """, 2)}}
                }

                return Result<IReadOnlyList<(string Name, decimal Amount)>>.Success(rows);
            }

            public string ImportOrExplain(string text)
            {
                try
                {
                    var result = Import(text);
                    return result.IsSuccess ? $"{result.Value!.Count} rows at {_clock.UtcNow:O}" : result.Error!;
                }
                catch (IOException ex)
                {
                    return "I/O failure: " + ex.Message;
                }
                finally
                {
                    _warnings.TrimExcess();
                }
            }

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;

    private static string Builder(FileContext ctx) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace {{ctx.Namespace}};

        public sealed class {{ctx.Noun}}Plan{{ctx.Id}}
        {
            private readonly List<string> _steps = new();
            private readonly Dictionary<string, string> _settings = new(StringComparer.OrdinalIgnoreCase);
            private bool _started;

            public {{ctx.Noun}}Plan{{ctx.Id}} Add(string step)
            {
                _steps.Add(step);
                return this;
            }

            public {{ctx.Noun}}Plan{{ctx.Id}} With(string key, string value)
            {
                _settings[key] = value;
                return this;
            }

            public void Start()
            {
                if (_started)
                {
                    throw new InvalidOperationException("The plan has already started.");
                }

                _started = true;
            }

            public IReadOnlyList<string> Run(Func<string, bool> execute)
            {
                Start();
                var failed = new List<string>();
                foreach (var step in _steps)
                {
                    {{ctx.Rep("""
                    if (!execute(step))
                    {
                        failed.Add(step);
                        if (_settings.TryGetValue("stopOnFailure", out var stop) && bool.Parse(stop))
                        {
                            break;
                        }
                    }
                    """, 2)}}
                }

                return failed;
            }

            public string Join() => string.Join(" -> ", _steps);

            public static {{ctx.Noun}}Plan{{ctx.Id}} Default() => new {{ctx.Noun}}Plan{{ctx.Id}}()
                .Add("load")
                .Add("validate")
                .Add("transform")
                .Add("save")
                .With("stopOnFailure", "true");

            public int Count(Func<string, bool> predicate) => _steps.Count(predicate);

            {{FileContext.Indent(HelperMethods(ctx), 1)}}
        }
        """;
}
