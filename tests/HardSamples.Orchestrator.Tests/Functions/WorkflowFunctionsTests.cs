using System.Reflection;
using HardSamples.Shared.Contracts;
using HardSamples.Workflow;
using HardSamples.Workflow.Status;
using HardSamples.Workflow.Tests.Fakes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace HardSamples.Orchestrator.Tests.Functions;

/// <summary>The durable wrappers: one per workflow class, named as the orchestrator calls it, delegating to it.</summary>
public sealed class WorkflowFunctionsTests
{
    private static readonly MethodInfo[] Wrappers = typeof(WorkflowFunctions).GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null).ToArray();

    [Fact]
    public void Every_activity_has_a_wrapper_with_its_name_and_input_type()
    {
        foreach (var activity in WorkflowRegistration.ActivityTypes)
        {
            var wrapper = Wrappers.SingleOrDefault(m => m.GetCustomAttribute<FunctionAttribute>()!.Name == activity.Name);
            Assert.True(wrapper is not null, $"no [Function(\"{activity.Name}\")] wrapper");
            var baseType = activity.BaseType!;
            Assert.Equal(typeof(TaskActivity<,>), baseType.GetGenericTypeDefinition());
            var trigger = wrapper!.GetParameters().Single(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null);
            Assert.Equal(baseType.GetGenericArguments()[0], trigger.ParameterType);
            Assert.Equal(typeof(Task<>).MakeGenericType(baseType.GetGenericArguments()[1]), wrapper.ReturnType);
        }
        Assert.Equal(WorkflowRegistration.ActivityTypes.Count + 1, Wrappers.Length);
    }

    [Fact]
    public void The_orchestrator_wrapper_is_named_after_the_orchestrator()
    {
        var orchestrator = Wrappers.Single(m => m.GetParameters().Any(p => p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null));
        Assert.Equal(nameof(RunOrchestrator), orchestrator.GetCustomAttribute<FunctionAttribute>()!.Name);
        Assert.Equal(typeof(Task<RunSummary>), orchestrator.ReturnType);
    }

    [Fact]
    public async Task An_activity_wrapper_runs_the_activity_with_services_from_the_function_context()
    {
        var store = new InMemoryArtifactStore();
        var tables = new InMemoryTableStore();
        var services = new ServiceCollection().AddSingleton<IRunStatusStore>(new RunStatusStore(store, tables)).BuildServiceProvider();
        var update = new RunStatusUpdate("run-wrapped", RunStatus.Running, "prepare", 0.01, DateTimeOffset.UtcNow, Message: "from a wrapper");

        Assert.True(await WorkflowFunctions.UpdateRunStatus(update, new TestFunctionContext(services)));

        var row = await tables.GetAsync(RunStatusStore.TableName, RunStatusStore.Partition, "run-wrapped");
        Assert.Equal("from a wrapper", row!.Get<string>("Message"));
    }

    private sealed class TestFunctionContext(IServiceProvider services) : FunctionContext
    {
        public override string InvocationId => "test";
        public override string FunctionId => "test";
        public override TraceContext TraceContext => null!;
        public override BindingContext BindingContext { get; } = new TestBindingContext();
        public override Microsoft.Azure.Functions.Worker.RetryContext RetryContext => null!;
        public override IServiceProvider InstanceServices { get; set; } = services;
        public override FunctionDefinition FunctionDefinition => null!;
        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
        public override IInvocationFeatures Features => null!;
    }

    private sealed class TestBindingContext : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = new Dictionary<string, object?> { ["instanceId"] = "run-wrapped" };
    }
}
