import AccreditEngine
import AccreditSupport

/// A Markdown file split into its YAML front matter and its body.
///
/// The front matter is the block between the first two `---` lines; the first line of the file must be
/// `---`. Written by hand: it is a line split, and none of the project's libraries does it.
struct FrontMatter {
  /// The YAML between the two `---` lines.
  var yaml: String
  /// The Markdown after the closing line.
  var body: String
  /// The line number of the closing `---`, so body positions can be told.
  var closingLine: Int
  /// A hash of the text through the closing `---` line: unchanged, an edit changed the body alone.
  var headHash: UInt64

  /// Splits `source`; reports a missing or unclosed block and returns nil.
  static func split(_ source: SourceText, sink: DiagnosticSink) -> FrontMatter? {
    let start = SourceLocation(file: source.path)
    let text = source.text
    let bytes = text.utf8
    guard bytes.contains(where: { !isWhitespace($0) }) else {
      sink.error("file is empty: it needs front matter between two '---' lines, then the text", at: start)
      return nil
    }
    // Walk the lines as bytes, only up to the closing fence: the body can be long and is taken whole.
    var lineStart = bytes.startIndex
    var lineNumber = 0
    var yamlStart: String.Index?
    while true {
      let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
      lineNumber += 1
      let next = lineEnd < bytes.endIndex ? bytes.index(after: lineEnd) : bytes.endIndex
      let isFence = Self.isFence(bytes[lineStart..<lineEnd])
      if lineNumber == 1 {
        guard isFence else {
          sink.error("file must start with front matter: a line '---', the YAML keys, then another '---'", at: start)
          return nil
        }
        yamlStart = next
      } else if isFence, let yamlStart {
        return FrontMatter(
          yaml: String(text[yamlStart..<lineStart]), body: String(text[next...]), closingLine: lineNumber,
          headHash: StableHash.of(bytes[..<next]))
      }
      if lineEnd == bytes.endIndex { break }
      lineStart = next
    }
    sink.error("front matter is not closed: add a line '---' after its last key", at: start)
    return nil
  }

  /// `---`, maybe followed by blanks.
  private static func isFence(_ line: Substring.UTF8View.SubSequence) -> Bool {
    var rest = line[...]
    guard rest.starts(with: "---".utf8) else { return false }
    rest = rest.dropFirst(3)
    return rest.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
  }

  private static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
  }
}
