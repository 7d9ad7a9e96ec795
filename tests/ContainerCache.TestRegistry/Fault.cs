using System;
using System.Net;

namespace ContainerCache.TestRegistry;

/// <summary>What <see cref="FaultProxy"/> saw of a request: its method and its path with query.</summary>
public sealed record HttpRequestSummary(string Method, string PathAndQuery);

/// <summary>The kinds of <see cref="Fault"/>.</summary>
public enum FaultKind
{
    /// <summary>Answer with a status code and a small registry-style error body, without forwarding.</summary>
    Status,

    /// <summary>Answer 200 with an OCI manifest content type, a body that is not JSON and a digest header that matches nothing.</summary>
    Garbage,

    /// <summary>Wait, then forward as usual.</summary>
    Delay,

    /// <summary>Close the connection without answering.</summary>
    Drop,

    /// <summary>Forward, send the answer's headers, then nothing: hold the connection until the client hangs up.</summary>
    StalledBody,

    /// <summary>Forward, send the answer's headers, then its body one byte per interval.</summary>
    TrickledBody,
}

/// <summary>What <see cref="FaultProxy"/> does to a request instead of (or before) forwarding it.</summary>
public sealed record Fault
{
    private Fault(FaultKind kind, int statusCode = 0, TimeSpan duration = default)
    {
        Kind = kind;
        StatusCode = statusCode;
        Duration = duration;
    }

    public static Fault Garbage { get; } = new(FaultKind.Garbage);

    public static Fault Drop { get; } = new(FaultKind.Drop);

    public static Fault StalledBody { get; } = new(FaultKind.StalledBody);

    public FaultKind Kind { get; }

    /// <summary>The status code of a <see cref="FaultKind.Status"/> fault.</summary>
    public int StatusCode { get; }

    /// <summary>How long a <see cref="FaultKind.Delay"/> fault waits; how long a <see cref="FaultKind.TrickledBody"/> fault waits between bytes.</summary>
    public TimeSpan Duration { get; }

    public static Fault Status(int statusCode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new(FaultKind.Status, statusCode: statusCode);
    }

    public static Fault Status(HttpStatusCode statusCode) => Status((int)statusCode);

    public static Fault Delay(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return new(FaultKind.Delay, duration: duration);
    }

    public static Fault TrickledBody(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return new(FaultKind.TrickledBody, duration: interval);
    }
}
