namespace ContainerCache.Keys;

/// <summary>One message of the core (a key computation, a look for stale files), worded for the build log, without the <c>ContainerCache: </c> prefix.</summary>
internal sealed class KeyNote
{
    public KeyNote(KeyNoteImportance importance, string text)
    {
        Importance = importance;
        Text = text;
    }

    public KeyNoteImportance Importance { get; }

    public string Text { get; }
}
