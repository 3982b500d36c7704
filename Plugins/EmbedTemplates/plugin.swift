import Foundation
import PackagePlugin

/// Embeds `site-templates/` into the target it is applied to, at build time: the `accredit-embed` tool
/// writes `BuiltInTemplates.swift` into the plugin's work folder, and the build compiles it. The templates
/// have one copy in the repository, and a build always has the current ones.
@main
struct EmbedTemplates: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let folder = context.package.directoryURL.appending(path: "site-templates")
    let output = context.pluginWorkDirectoryURL.appending(path: "BuiltInTemplates.swift")
    var inputs: [URL] = []
    let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
      if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { inputs.append(url) }
    }
    return [
      .buildCommand(
        displayName: "Embedding site-templates/ in \(target.name)",
        executable: try context.tool(named: "accredit-embed").url,
        arguments: [folder.path, output.path],
        inputFiles: inputs.sorted { $0.path < $1.path },
        outputFiles: [output])
    ]
  }
}
