import AccreditEngine

/// The placeholder text `accredit new` writes where only a person can fill in a value, and the warning
/// that `check` (and `build`) gives for it until it is replaced: a skeleton passes `check` as written, but
/// must not be published with "the customer's name" as a customer.
///
/// One marker, `[fill in: …]`, is written and looked for: it reads as an instruction in the file, is not
/// something a real record says, and a byte search finds it in the largest program.
public enum Placeholder {
  /// How every placeholder starts.
  public static let marker = "[fill in:"

  /// The placeholder for `what`, e.g. `[fill in: the customer's name]`.
  public static func text(_ what: String) -> String { "[fill in: \(what)]" }

  /// The message of the warning.
  static func message(_ placeholder: Substring) -> String {
    "placeholder '\(placeholder)' left from accredit new: replace it before the site is published"
  }

  /// Warns at each line of `text` that holds a placeholder; `lineOffset` lines of the file come before it.
  static func report(in text: String, path: String, lineOffset: Int, sink: DiagnosticSink) {
    // Most files have no `[` at all; only lines with the marker are looked at closely.
    guard text.utf8.contains(UInt8(ascii: "[")), text.contains(marker) else { return }
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      guard let start = line.range(of: marker)?.lowerBound else { continue }
      let end = line[start...].firstIndex(of: "]").map { line.index(after: $0) } ?? line.endIndex
      let column = line.unicodeScalars[..<start].count + 1
      sink.warning(
        message(line[start..<end]), at: SourceLocation(file: path, line: index + 1 + lineOffset, column: column))
    }
  }
}
