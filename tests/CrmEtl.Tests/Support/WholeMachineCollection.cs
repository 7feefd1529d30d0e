namespace CrmEtl.Tests.Support;

/// <summary>
/// Tests that run the whole tool end to end for minutes (the demo, the benchmark): they run after the others, one at a
/// time, on a quiet machine, so that neither they nor the timing-sensitive portal tests starve each other.
/// </summary>
[CollectionDefinition("whole machine", DisableParallelization = true)]
public sealed class WholeMachineCollection;
