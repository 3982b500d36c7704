import Foundation

// `accredit-embed FOLDER OUTPUT`: writes a Swift source that holds every file below FOLDER (hidden ones
// skipped) as `BuiltInTemplates.files`, path and text, sorted by path. The EmbedTemplates build plugin
// runs it for AccreditSite.

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
  FileHandle.standardError.write(Data("usage: accredit-embed FOLDER OUTPUT\n".utf8))
  exit(64)
}
let folder = URL(fileURLWithPath: arguments[1]).standardizedFileURL
var files: [(path: String, text: String)] = []
let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
while let url = enumerator?.nextObject() as? URL {
  let path = String(url.standardizedFileURL.path.dropFirst(folder.path.count + 1))
  guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
    !path.split(separator: "/").contains(where: { $0.hasPrefix(".") })
  else { continue }
  guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
    FileHandle.standardError.write(Data("accredit-embed: \(url.path): not UTF-8 text\n".utf8))
    exit(1)
  }
  // The text goes into a raw string delimited by `####"""`; a file holding `"####` could end it early.
  guard !text.contains("\"####") else {
    FileHandle.standardError.write(
      Data("accredit-embed: \(url.path): contains '\"####', which cannot be embedded\n".utf8))
    exit(1)
  }
  files.append((path, text))
}
files.sort { $0.path < $1.path }

var source = """
  // Written at build time by accredit-embed from site-templates/.

  /// The templates and static files of `site-templates/`, compiled in.
  enum BuiltInTemplates {
    /// Path relative to `site-templates/` and text, sorted by path.
    static let files: [(path: String, text: String)] = [

  """
// A multi-line literal drops the line break before its closing delimiter, so one is always added.
for file in files {
  source += "    (\"\(file.path)\", ####\"\"\"\n\(file.text)\n\"\"\"####),\n"
}
source += "  ]\n}\n"
/// Writes `text` to `path`, unless the file holds those bytes already: the build runs this tool again whenever
/// the tool itself is relinked (SwiftPM does so on a switch between `swift build` and `swift test`), and a
/// rewritten file, even with the same bytes, would recompile AccreditSite. The bytes stay local: the fuzzing
/// build (Scripts/fuzz) compiles this tool with AddressSanitizer, whose leak check failed the build over a
/// `Data` held in a global.
func writeIfChanged(_ text: String, to path: String) throws {
  let bytes = Data(text.utf8)
  guard FileManager.default.contents(atPath: path) != bytes else { return }
  try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
}

do {
  try writeIfChanged(source, to: arguments[2])
} catch {
  FileHandle.standardError.write(Data("accredit-embed: cannot write \(arguments[2]): \(error)\n".utf8))
  exit(1)
}
