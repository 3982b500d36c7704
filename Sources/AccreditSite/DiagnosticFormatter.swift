public import AccreditContent
import Foundation

/// Prints diagnostics the way a compiler does, or as JSON.
public struct DiagnosticFormatter {
  /// What paths start with: the content folder as the user named it (`content`).
  public var root: String
  /// File texts by path, for the source line under each message.
  public var sources: [String: SourceText]

  /// Creates a formatter.
  public init(root: String, sources: [String: SourceText]) {
    self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    self.sources = sources
  }

  /// The path as printed: `content/partners/x.yaml`.
  public func path(_ diagnostic: Diagnostic) -> String {
    "\(root)/\(diagnostic.location.file)"
  }

  /// `path:line:column: error: message`, then the source line and a caret under the column.
  public func text(_ diagnostic: Diagnostic) -> String {
    let location = diagnostic.location
    var output = "\(path(diagnostic)):\(location.line):\(location.column): \(diagnostic.severity.rawValue): "
    output += diagnostic.message + "\n"
    if let line = sources[location.file]?.line(location.line) {
      output += line + "\n"
      // Keep tabs so the caret lines up under the same character in a terminal.
      let prefix = line.unicodeScalars.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }
      output += prefix.joined() + "^\n"
    }
    return output
  }

  /// Every diagnostic as text, then a closing count such as `2 errors, 1 warning`.
  public func report(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.map(text).joined() + DiagnosticFormatter.summary(diagnostics) + "\n"
  }

  /// `2 errors, 1 warning`, or `no problems`.
  public static func summary(_ diagnostics: [Diagnostic]) -> String {
    func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
    guard !diagnostics.isEmpty else { return "no problems" }
    return "\(count(diagnostics.errorCount, "error")), \(count(diagnostics.warningCount, "warning"))"
  }

  /// A JSON array of `{path, line, column, severity, message}`.
  public func json(_ diagnostics: [Diagnostic]) -> String {
    JSONValue.array(
      diagnostics.map {
        .object([
          ("path", .string(path($0))),
          ("line", .int($0.location.line)),
          ("column", .int($0.location.column)),
          ("severity", .string($0.severity.rawValue)),
          ("message", .string($0.message)),
        ])
      }
    ).serialized()
  }

  /// GitHub Actions workflow commands, one a line: `::error file=…,line=…,col=…::message`, so that every
  /// problem shows on the commit or pull request where it was made.
  public func github(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.map { diagnostic in
      let location = diagnostic.location
      let properties = "file=\(escapeProperty(path(diagnostic))),line=\(location.line),col=\(location.column)"
      return "::\(diagnostic.severity.rawValue) \(properties)::\(escapeData(diagnostic.message))\n"
    }.joined()
  }

  // The escaping GitHub's workflow commands define for a message and for a property value.
  private func escapeData(_ text: String) -> String {
    text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
      .replacingOccurrences(of: "\n", with: "%0A")
  }

  private func escapeProperty(_ text: String) -> String {
    escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
  }
}
