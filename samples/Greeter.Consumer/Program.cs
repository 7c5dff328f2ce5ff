Console.WriteLine("sample not written yet");
