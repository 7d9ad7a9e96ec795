using System.Collections.Generic;

namespace ContainerCache.Keys;

/// <summary>What a key computation returns.</summary>
internal sealed class KeyResult
{
    internal KeyResult(KeyRequest request, bool hasBaseline, ContentKey key, string tag, ImageSettings settings, KeyChanges? changes, string changesFingerprint, IReadOnlyList<KeyNote> notes)
    {
        Request = request;
        HasBaseline = hasBaseline;
        Key = key;
        Tag = tag;
        Settings = settings;
        Changes = changes;
        ChangesFingerprint = changesFingerprint;
        Notes = notes;
    }

    /// <summary>What the key was computed from: an image's key (<see cref="KeyComputation.WithBaseDigest"/>) is written and explained as it says.</summary>
    public KeyRequest Request { get; }

    /// <summary>Whether there was a baseline to compare with (set aside before the key file was written).</summary>
    public bool HasBaseline { get; }

    /// <summary>The key and the entries it covers.</summary>
    public ContentKey Key { get; }

    public string Tag { get; }

    /// <summary>The settings the key covers, with the base image's digest as it went into the key.</summary>
    public ImageSettings Settings { get; }

    /// <summary>The base image's digest that went into the key: given, resolved, or empty.</summary>
    public string BaseDigest => Settings.BaseDigest;

    /// <summary>The changes against the baseline; null when there was none to compare with.</summary>
    public KeyChanges? Changes { get; }

    /// <summary>The fingerprint of the changes reported (an image's key in the same build does not say them again); empty without a baseline.</summary>
    public string ChangesFingerprint { get; }

    /// <summary>What to log, in order.</summary>
    public IReadOnlyList<KeyNote> Notes { get; }
}
