using System.Reflection;

namespace Siamese.Host.Configuration;

/// <summary>
/// The folder whose <c>appsettings.json</c> configures the product and against which relative paths
/// (data, runs, logs) resolve: <c>SIAMESE_HOME</c> when set; else the repository the program was built
/// from, when it still holds an appsettings.json (so <c>dotnet run</c> behaves the same from any working
/// directory); else the folder of the binaries (published use).
/// </summary>
internal static class ProductHome
{
    public const string EnvironmentVariable = "SIAMESE_HOME";

    public static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var home = Path.GetFullPath(fromEnvironment);
            return Directory.Exists(home)
                ? home
                : throw new ConfigurationFileException($"{EnvironmentVariable}={fromEnvironment}: {home} is not a folder (it should hold appsettings.json; data, runs and logs go under it).");
        }

        var built = typeof(ProductHome).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProductHome")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "appsettings.json")))
        {
            return built;
        }

        return AppContext.BaseDirectory;
    }
}
