public import AccreditContent
import AccreditEngine
public import Foundation
import Mustache

/// The Mustache templates and static files a site is rendered with: the built-in set, with whatever a
/// templates folder provides laid over it.
///
/// swift-mustache renders a missing partial as nothing and loads a missing folder as an empty library;
/// this type checks both, and reports template syntax errors as `path:line:column: error: …`.
public struct TemplateSet: Sendable {
  /// Templates that problems in the templates are reported against.
  public struct Failure: Error, Sendable {
    /// The problems, with `location.file` relative to the templates folder.
    public var diagnostics: [Diagnostic]
    /// The template texts, for the source line under each problem.
    public var sources: [String: SourceText]
  }

  /// The page templates the renderer uses; each must exist after the overlay.
  static let pageTemplates = [
    "layout", "home", "partner", "marks", "case", "faq", "page", "standards", "not-found", "badge", "feed", "sitemap",
  ]

  private let library: MustacheLibrary
  /// A hash of every template and static file, part of every output's key.
  let fingerprint: UInt64
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
    if let folder {
      do {
        for (path, bytes) in try readFolder(folder) {
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

    var library = MustacheLibrary()
    var sources: [String: SourceText] = [:]
    for (path, text) in texts where path.hasSuffix(".mustache") {
      let name = String(path.dropLast(".mustache".count))
      sources[path] = SourceText(path: path, text: text)
      do {
        library.register(try MustacheTemplate(string: text), named: name)
      } catch let error as MustacheTemplate.ParserError {
        sink.append(
          Diagnostic(
            .error, at: SourceLocation(file: path, line: error.context.lineNumber, column: error.context.columnNumber),
            "template syntax: \(describe(error.error))"))
      } catch {
        sink.append(Diagnostic(.error, at: SourceLocation(file: path), "template could not be read: \(error)"))
      }
    }
    let names = Set(texts.keys.filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) })
    for (path, text) in texts where path.hasSuffix(".mustache") {
      sink += missingPartials(in: text, path: path, names: names)
    }
    for name in pageTemplates where !names.contains(name) {
      sink.append(
        Diagnostic(.error, at: SourceLocation(file: "\(name).mustache"), "page template '\(name)' is missing"))
    }
    guard sink.isEmpty else { throw Failure(diagnostics: sink.sorted(), sources: sources) }

    var staticFiles = texts.filter { $0.key.hasPrefix("static/") }.mapValues { Array($0.utf8) }
    staticFiles.merge(binaries) { _, overlay in overlay }
    let fingerprint = StableHash.combine(
      texts.sorted { $0.key < $1.key }.flatMap { [StableHash.of($0.key), StableHash.of($0.value)] }
        + binaries.sorted { $0.key < $1.key }.flatMap { [StableHash.of($0.key), StableHash.of($0.value)] })
    return TemplateSet(
      library: library, fingerprint: fingerprint,
      staticFiles: staticFiles.sorted { $0.key < $1.key }.map { (String($0.key.dropFirst("static/".count)), $0.value) })
  }

  /// Renders `object` with the template `name`.
  func render(_ object: Any, with name: String) -> String {
    library.render(TemplateContext.convert(object) ?? object, withTemplate: name) ?? ""
  }

  private init(library: MustacheLibrary, fingerprint: UInt64, staticFiles: [(path: String, bytes: [UInt8])]) {
    self.library = library
    self.fingerprint = fingerprint
    self.staticFiles = staticFiles
  }

  // Partials (`{{> name}}`) and parents (`{{< name}}`) must name a template that exists: swift-mustache
  // would render a missing one as nothing.
  private static func missingPartials(in text: String, path: String, names: Set<String>) -> [Diagnostic] {
    var found: [Diagnostic] = []
    let pattern = /\{\{\s*([<>])\s*([^\s}]+)\s*\}\}/
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (index, line) in lines.enumerated() {
      for match in line.matches(of: pattern) where !names.contains(String(match.output.2)) {
        let column = line.unicodeScalars.distance(from: line.startIndex, to: match.range.lowerBound) + 1
        let kind = match.output.1 == ">" ? "partial" : "parent template"
        found.append(
          Diagnostic(
            .error, at: SourceLocation(file: path, line: index + 1, column: column),
            "\(kind) '\(match.output.2)' not found: there is no \(match.output.2).mustache in the templates "
              + "folder or among the built-in templates"))
      }
    }
    return found
  }

  private static func describe(_ error: Error) -> String {
    guard let error = error as? MustacheTemplate.Error else { return String(describing: error) }
    switch error {
    case .sectionCloseNameIncorrect: return "a closing tag does not match the open section"
    case .unfinishedName: return "a tag is not finished (missing '}}')"
    case .expectedSectionEnd: return "a section is not closed (missing '{{/…}}')"
    case .invalidSetDelimiter: return "malformed set-delimiter tag"
    case .transformAppliedToInheritanceSection: return "a transform cannot apply to an inherited section"
    case .illegalTokenInsideInheritSection: return "only block overrides may appear inside '{{<parent}}'"
    case .textInsideInheritSection: return "text inside '{{<parent}}' outside a block override"
    case .invalidConfigVariableSyntax: return "malformed pragma"
    case .unrecognisedConfigVariable: return "unknown pragma"
    }
  }

  private struct ReadError: Error, CustomStringConvertible {
    var description: String
  }

  private static func readFolder(_ folder: URL) throws -> [(String, [UInt8])] {
    guard FileManager.default.isFolder(atPath: folder.path) else {
      throw ReadError(description: "templates folder '\(folder.path)' does not exist or is not a folder")
    }
    let base = folder.standardizedFileURL.resolvingSymlinksInPath().path
    var files: [(String, [UInt8])] = []
    let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
      guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
      let full = url.standardizedFileURL.resolvingSymlinksInPath().path
      guard full.hasPrefix(base + "/") else { continue }
      let path = String(full.dropFirst(base.count + 1))
      guard !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
      guard let data = FileManager.default.contents(atPath: full) else {
        throw ReadError(description: "cannot read template \(full)")
      }
      files.append((path, Array(data)))
    }
    return files.sorted { $0.0 < $1.0 }
  }
}
