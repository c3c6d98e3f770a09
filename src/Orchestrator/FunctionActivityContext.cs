using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace HardSamples.Orchestrator;

/// <summary>The <see cref="TaskActivityContext"/> a workflow activity sees when a Functions wrapper calls it.</summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    /// <inheritdoc />
    public override TaskName Name { get; } = name;

    /// <inheritdoc />
    public override string InstanceId { get; } = instanceId;

    /// <summary>The context of the activity function running in <paramref name="function"/>.</summary>
    public static FunctionActivityContext For(string activity, FunctionContext function)
        => new(activity, function.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() ?? "" : "");
}
