import AccreditSupport
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

  /// `path:line:column: error: message`, then the source line and a caret under the column. Control
  /// characters are shown as symbols (see `printable`) and a long line as an excerpt around the column.
  public func text(_ diagnostic: Diagnostic) -> String {
    let location = diagnostic.location
    var output = "\(path(diagnostic)):\(location.line):\(location.column): \(diagnostic.severity.rawValue): "
    output += diagnostic.message + "\n"
    output = Self.printable(output.dropLast(), limit: Self.messageLimit) + "\n"
    if let line = sources[location.file]?.line(location.line) {
      let (excerpt, column) = Self.excerpt(line, column: location.column)
      output += excerpt + "\n"
      // Keep tabs so the caret lines up under the same character in a terminal.
      let prefix = excerpt.unicodeScalars.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " }
      output += prefix.joined() + "^\n"
    }
    return output
  }

  /// The most of a message line shown, in Unicode scalars.
  static let messageLimit = 1_000
  /// The most of a source line shown, in Unicode scalars, and how much of it comes before the column.
  static let excerptLimit = 160
  static let excerptLead = 60

  /// At most `excerptLimit` scalars of `line` around `column`, printable, with `…` where it was cut; and
  /// the column within the excerpt.
  static func excerpt(_ line: Substring, column: Int) -> (String, Int) {
    let scalars = line.unicodeScalars
    let count = scalars.count
    guard count > excerptLimit else { return (printable(line, limit: excerptLimit), column) }
    let start = min(max(0, column - 1 - excerptLead), count - excerptLimit)
    let from = scalars.index(scalars.startIndex, offsetBy: start)
    let to = scalars.index(from, offsetBy: excerptLimit)
    let head = start > 0 ? "…" : ""
    let tail = to < scalars.endIndex ? "…" : ""
    return (head + printable(Substring(scalars[from..<to]), limit: excerptLimit) + tail, column - start + head.count)
  }

  /// `text` with every character that could act on a terminal replaced by one visible character, so
  /// that columns still line up: C0 controls but tab as their Unicode control pictures (NUL as `␀`, ESC
  /// as `␛`), DEL as `␡`, C1 controls and bidirectional overrides as `�`. Cut to `limit` scalars. The
  /// reports (`changes`, `upcoming`) show names and reasons through it too.
  public static func printable(_ text: Substring, limit: Int = .max) -> String {
    var output = String.UnicodeScalarView()
    for scalar in text.unicodeScalars.prefix(limit) {
      switch scalar.value {
      case 0x09: output.append(scalar)
      case 0x00..<0x20: output.append(Unicode.Scalar(UInt16(0x2400) + UInt16(scalar.value)) ?? "\u{FFFD}")
      case 0x7F: output.append("\u{2421}")
      case 0x80..<0xA0, 0x202A...0x202E, 0x2066...0x2069: output.append("\u{FFFD}")
      default: output.append(scalar)
      }
    }
    var result = String(output)
    if text.unicodeScalars.count > limit { result += "…" }
    return result
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
      let file = Self.printable(Substring(path(diagnostic)), limit: Self.messageLimit)
      let properties = "file=\(escapeProperty(file)),line=\(location.line),col=\(location.column)"
      // Line breaks are the workflow command's own escapes (%0A); other control characters become symbols.
      let message = Self.printable(Substring(escapeData(diagnostic.message)), limit: Self.messageLimit)
      return "::\(diagnostic.severity.rawValue) \(properties)::\(message)\n"
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
