import AccreditEngine

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

  /// Splits `source`; reports a missing or unclosed block and returns nil.
  static func split(_ source: SourceText, sink: DiagnosticSink) -> FrontMatter? {
    let start = SourceLocation(file: source.path)
    guard !source.text.allSatisfy(\.isWhitespace) else {
      sink.error("file is empty: it needs front matter between two '---' lines, then the text", at: start)
      return nil
    }
    // Walk the lines only up to the closing fence: the body can be long and is taken whole.
    let text = source.text
    var lineStart = text.startIndex
    var lineNumber = 0
    var yamlStart: String.Index?
    while lineStart < text.endIndex || lineNumber == 0 {
      let lineEnd = text[lineStart...].firstIndex(of: "\n") ?? text.endIndex
      let line = text[lineStart..<lineEnd]
      lineNumber += 1
      let next = lineEnd < text.endIndex ? text.index(after: lineEnd) : text.endIndex
      if lineNumber == 1 {
        guard isFence(line) else {
          sink.error("file must start with front matter: a line '---', the YAML keys, then another '---'", at: start)
          return nil
        }
        yamlStart = next
      } else if isFence(line), let yamlStart {
        return FrontMatter(
          yaml: String(text[yamlStart..<lineStart]), body: String(text[next...]), closingLine: lineNumber)
      }
      if lineEnd == text.endIndex { break }
      lineStart = next
    }
    sink.error("front matter is not closed: add a line '---' after its last key", at: start)
    return nil
  }

  private static func isFence(_ line: Substring) -> Bool {
    line.trimmingSuffix(while: { $0 == " " || $0 == "\t" }) == "---"
  }
}

extension Substring {
  fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
    var end = endIndex
    while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
    return self[startIndex..<end]
  }
}
