import AccreditEngine

/// One YAML text being read: composes it (`YAMLComposer`) and turns node marks into content positions.
///
/// Values are read from composed nodes rather than through `Codable`, so that every diagnostic, type and
/// key errors included, points at its spot.
struct YAMLDocument {
  /// The path relative to the content folder.
  let path: String
  /// Lines before the YAML in its file (1 for front matter, which starts after a `---` line).
  let lineOffset: Int
  /// Where problems go.
  let sink: DiagnosticSink

  /// The content position of `node`.
  func location(of node: YAMLNode) -> SourceLocation {
    location(line: node.mark.line, column: node.mark.column)
  }

  func location(line: Int, column: Int) -> SourceLocation {
    SourceLocation(file: path, line: line + lineOffset, column: column)
  }

  /// The file's start, for problems with the file as a whole.
  var start: SourceLocation { SourceLocation(file: path, line: 1, column: 1) }

  func error(_ message: String, at node: YAMLNode) { sink.error(message, at: location(of: node)) }
  func warning(_ message: String, at node: YAMLNode) { sink.warning(message, at: location(of: node)) }

  /// Composes `text` into a node tree; reports a syntax error or an empty document and returns nil.
  func compose(_ text: String, emptyMessage: String) -> YAMLNode? {
    // Without a final line break libyaml reports an unclosed quote or bracket on the last line rather than
    // past it, and the error could not be moved back to where the construct opened.
    let text = text.hasSuffix("\n") ? text : text + "\n"
    do {
      guard let root = try YAMLComposer.compose(text), !root.isNull else {
        sink.error(emptyMessage, at: start)
        return nil
      }
      return root
    } catch {
      let lastLine =
        text.split(separator: "\n", omittingEmptySubsequences: false)
        .lastIndex { !$0.allSatisfy(\.isWhitespace) }.map { $0 + 1 } ?? 1
      report(error, in: text, lastLine: lastLine)
      return nil
    }
  }

  private func report(_ failure: YAMLComposer.Failure, in text: String, lastLine: Int) {
    switch failure {
    case let .syntax(problem, mark, context, contextMark):
      // Said in plain words at the line to change, when the indentation explains what libyaml found.
      if YAMLDocument.indentationProblems.contains(where: problem.hasPrefix),
        let found = YAMLIndentation.problem(in: text, through: mark.line + 1)
      {
        sink.error(found.message, at: location(line: found.line, column: found.column))
        return
      }
      let contextText =
        if let context, let contextMark { " (\(context) at line \(contextMark.line + lineOffset))" } else { "" }
      // libyaml often notices an unclosed bracket or quote only at the end of the text; point at where
      // the unclosed construct started instead, which is where the fix goes.
      // "did not find expected ']'" is likewise about the bracket that opened the construct.
      let aboutTheOpening = problem.hasPrefix("did not find expected") || problem.contains("end of stream")
      let spot =
        contextMark.map { (mark.line > lastLine || aboutTheOpening) && $0.line <= lastLine ? $0 : mark } ?? mark
      sink.error("YAML syntax: \(problem)\(contextText)", at: location(line: spot.line, column: spot.column))
    case let .duplicateKey(key, first, repeated):
      sink.error(
        "duplicate key '\(key)': it is already given on line \(first.line + lineOffset); each key may appear "
          + "once in a mapping, so keep one of the two", at: location(line: repeated.line, column: repeated.column))
    case .anchorOrAlias(let mark):
      sink.error(
        "anchors and aliases ('&name', '*name') are not allowed: records are plain data, so write the value out",
        at: location(line: mark.line, column: mark.column))
    case .tooDeep(let mark):
      sink.error(
        "lists and mappings nest more than \(YAMLComposer.maximumDepth) levels deep here",
        at: location(line: mark.line, column: mark.column))
    case .severalDocuments(let mark):
      sink.error(
        "YAML syntax: but found another document (expected a single document in the stream at line "
          + "\(1 + lineOffset))", at: location(line: mark.line, column: mark.column))
    }
  }

  /// libyaml's words for a structure that did not fit, which a mis-indented line or a tab can cause.
  private static let indentationProblems = [
    "did not find expected key", "did not find expected '-' indicator", "found character that cannot start any token",
    "mapping values are not allowed", "block sequence entries are not allowed", "did not find expected <block end>",
    "found a tab character", "did not find expected <document start>",
  ]
}
