using System.Text.Json;

namespace CrmEtl.Sandbox;

/// <summary>Sets the knobs named in a JSON object (camelCase or snake_case), leaving the others as they are.</summary>
internal static class KnobSetter
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static void Apply(SandboxKnobs knobs, JsonElement json)
    {
        lock (knobs)
        {
            foreach (var property in json.EnumerateObject())
            {
                var name = property.Name.Replace("_", "");
                var target = typeof(SandboxKnobs).GetProperties()
                    .FirstOrDefault(p => p.CanWrite && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new BadHttpRequestException($"unknown knob '{property.Name}'");
                target.SetValue(knobs, property.Value.Deserialize(target.PropertyType, Options));
            }
        }
    }
}
