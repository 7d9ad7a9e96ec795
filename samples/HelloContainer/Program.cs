using System;
using System.IO;
using System.Text.Json;

// The key file ships inside the image, so a running container can report which content it runs.
string baseDirectory = AppContext.BaseDirectory;
using JsonDocument keyFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(baseDirectory, "container-cache.json")));

Console.WriteLine(File.ReadAllText(Path.Combine(baseDirectory, "message.txt")).Trim());
Console.WriteLine("Content key: " + keyFile.RootElement.GetProperty("key").GetString());
