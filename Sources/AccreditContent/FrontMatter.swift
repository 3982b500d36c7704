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
    let lines = source.text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let first = lines.first, isFence(first) else {
      sink.error("file must start with front matter: a line '---', the YAML keys, then another '---'", at: start)
      return nil
    }
    guard let closing = lines.dropFirst().firstIndex(where: isFence) else {
      sink.error("front matter is not closed: add a line '---' after its last key", at: start)
      return nil
    }
    return FrontMatter(
      yaml: lines[1..<closing].joined(separator: "\n"),
      body: lines[(closing + 1)...].joined(separator: "\n"),
      closingLine: closing + 1)
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
