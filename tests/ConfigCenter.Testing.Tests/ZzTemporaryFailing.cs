namespace ConfigCenter.Testing.Tests;
public sealed class ZzTemporaryFailing { [Fact] public void Fails() => Assert.Fail("deliberate"); }
