public import AccreditContent
import AccreditEngine
public import Foundation
import AccreditMustache
import AccreditSupport

/// The Mustache templates and static files a site is rendered with: the built-in set, with whatever a
/// templates folder provides laid over it.
///
/// Every template is compiled when the set loads: syntax errors and partials or parents that name no
/// template are reported as `path:line:column: error: …`, and a missing folder is an error.
public struct TemplateSet: Sendable {
  /// Templates that problems in the templates are reported against.
  public struct Failure: Error, Sendable {
    /// The problems, with `location.file` relative to the templates folder.
    public var diagnostics: [Diagnostic]
    /// The template texts, for the source line under each problem.
    public var sources: [String: SourceText]
  }

  private let library: TemplateLibrary
  /// A hash of every template and static file.
  let fingerprint: UInt64
  /// For each template, a hash of the templates it uses (`TemplateLibrary.dependencies`): part of the key of
  /// every file rendered with it, so that a template edit renders only the files that use that template.
  private let fingerprints: [String: UInt64]
  /// Files copied to the output as they are, by output path.
  let staticFiles: [(path: String, bytes: [UInt8])]

  /// The built-in templates and static files, by path relative to `site-templates/`.
  public static var builtInFiles: [(path: String, text: String)] { BuiltInTemplates.files }

  /// The built-in templates alone.
  public static func builtIn() throws(Failure) -> TemplateSet {
    try load(overlay: nil)
  }

  /// The built-in templates with the files of `folder` laid over them. The folder must exist.
  public static func load(overlay folder: URL?) throws(Failure) -> TemplateSet {
    var texts: [String: String] = [:]
    for (path, text) in BuiltInTemplates.files { texts[path] = text }
    var binaries: [String: [UInt8]] = [:]
    var sink: [Diagnostic] = []
    if let folder { try overlay(folder, texts: &texts, binaries: &binaries, sink: &sink) }

    var sources: [String: SourceText] = [:]
    var templates: [String: String] = [:]
    for (path, text) in texts where path.hasSuffix(".mustache") {
      templates[String(path.dropLast(".mustache".count))] = text
      sources[path] = SourceText(path: path, text: text)
    }
    var library: TemplateLibrary?
    do {
      library = try TemplateLibrary(templates)
    } catch {
      sink += error.errors.map(diagnostic)
    }
    // The templates of the page table must exist after the overlay; the partials and parents they use are
    // checked as the library compiles them.
    for name in PageTable.templates where templates[name] == nil {
      sink.append(
        Diagnostic(.error, at: SourceLocation(file: "\(name).mustache"), "page template '\(name)' is missing"))
    }
    guard let library, sink.isEmpty else { throw Failure(diagnostics: sink.sorted(), sources: sources) }

    var staticFiles = texts.filter { $0.key.hasPrefix("static/") }.mapValues { Array($0.utf8) }
    staticFiles.merge(binaries) { _, overlay in overlay }
    let fingerprint = StableHash.combine(
      texts.sorted { $0.key < $1.key }.flatMap { [StableHash.of($0.key), StableHash.of($0.value)] }
        + binaries.sorted { $0.key < $1.key }.flatMap { [StableHash.of($0.key), StableHash.of($0.value)] })
    let fingerprints = Dictionary(
      uniqueKeysWithValues: templates.keys.map { name in
        (
          name,
          StableHash.combine(
            library.dependencies(of: name).flatMap { [StableHash.of($0), StableHash.of(templates[$0] ?? "")] })
        )
      })
    return TemplateSet(
      library: library, fingerprint: fingerprint, fingerprints: fingerprints,
      staticFiles: staticFiles.sorted { $0.key < $1.key }.map { (String($0.key.dropFirst("static/".count)), $0.value) })
  }

  /// Lays the templates and static files of `folder` over `texts`: a template replaces the built-in one of
  /// its path, a static file replaces a built-in one as bytes (`binaries`); other files are ignored.
  private static func overlay(
    _ folder: URL, texts: inout [String: String], binaries: inout [String: [UInt8]], sink: inout [Diagnostic]
  ) throws(Failure) {
    do {
      let (files, problems) = try readFolder(folder)
      sink += problems
      for (path, bytes) in files {
        if path.hasSuffix(".mustache") {
          switch SourceText.decode(bytes, path: path) {
          case .success(let source): texts[path] = source.text
          case .failure(let diagnostic): sink.append(diagnostic)
          }
        } else if path.hasPrefix("static/") {
          binaries[path] = bytes
          texts[path] = nil
        }
      }
    } catch {
      throw Failure(
        diagnostics: [Diagnostic(.error, at: SourceLocation(file: "."), String(describing: error))], sources: [:])
    }
  }

  /// A render that could not finish: a template nests partials or parents too deep.
  public struct RenderFailure: Error, Sendable {
    /// The page template being rendered.
    public var template: String
    /// What went wrong.
    public var message: String
  }

  /// Renders `value` with the template `name`.
  func render(_ value: TemplateValue, with name: String) throws(RenderFailure) -> [UInt8] {
    do {
      return try library.render(value, with: name)
    } catch {
      throw RenderFailure(template: name, message: error.message)
    }
  }

  /// The templates a file rendered with `template` uses: itself and the partials and parents it names,
  /// through theirs (`TemplateLibrary.dependencies`).
  func templatesUsed(by template: String) -> [String] { library.dependencies(of: template) }

  /// The hash of the templates a file rendered with `template` uses.
  func fingerprint(of template: String) -> UInt64 { fingerprints[template] ?? fingerprint }

  private init(
    library: TemplateLibrary, fingerprint: UInt64, fingerprints: [String: UInt64],
    staticFiles: [(path: String, bytes: [UInt8])]
  ) {
    self.library = library
    self.fingerprint = fingerprint
    self.fingerprints = fingerprints
    self.staticFiles = staticFiles
  }

  private static func diagnostic(_ error: TemplateError) -> Diagnostic {
    let location = SourceLocation(file: "\(error.template).mustache", line: error.line, column: error.column)
    guard let missing = error.missingTemplate else { return Diagnostic(.error, at: location, error.message) }
    return Diagnostic(
      .error, at: location,
      "\(error.message): there is no \(missing).mustache in the templates folder or among the built-in templates")
  }

  /// The files of a templates folder, read through `FolderJail`: links may not leave the folder.
  private static func readFolder(_ folder: URL) throws -> (files: [(String, [UInt8])], problems: [Diagnostic]) {
    let listing = try FolderJail.list(folder, what: "templates folder")
    var files: [(String, [UInt8])] = []
    var problems = listing.problems.map { Diagnostic(.error, at: SourceLocation(file: $0.path), $0.message) }
    for file in listing.files {
      switch FolderJail.read(file) {
      case .success(let bytes): files.append((file.path, bytes))
      case .failure(let failure):
        problems.append(Diagnostic(.error, at: SourceLocation(file: file.path), failure.description))
      }
    }
    return (files, problems)
  }
}
