import AccreditEngine
import Yams

/// One YAML text being read: composes it with Yams and turns node marks into content positions.
///
/// Values are read from composed nodes rather than through `Codable`, because Yams' decoding errors
/// carry no line or column for type and key errors, and every diagnostic must point at its spot.
struct YAMLDocument {
  /// The path relative to the content folder.
  let path: String
  /// Lines before the YAML in its file (1 for front matter, which starts after a `---` line).
  let lineOffset: Int
  /// Where problems go.
  let sink: DiagnosticSink

  /// The content position of `node`.
  func location(of node: Node) -> SourceLocation {
    location(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
  }

  func location(line: Int, column: Int) -> SourceLocation {
    SourceLocation(file: path, line: line + lineOffset, column: column)
  }

  /// The file's start, for problems with the file as a whole.
  var start: SourceLocation { SourceLocation(file: path, line: 1, column: 1) }

  func error(_ message: String, at node: Node) { sink.error(message, at: location(of: node)) }
  func warning(_ message: String, at node: Node) { sink.warning(message, at: location(of: node)) }

  /// Composes `text` into a node tree; reports a syntax error or an empty document and returns nil.
  func compose(_ text: String, emptyMessage: String) -> Node? {
    // Without a final line break libyaml reports an unclosed quote or bracket on the last line rather than
    // past it, and the error could not be moved back to where the construct opened.
    let text = text.hasSuffix("\n") ? text : text + "\n"
    do {
      // The basic resolver tags every plain scalar as text, with no regular expressions: values are read
      // from their text here, and resolving tags was most of the cost of reading a record. The encoding
      // is given so that Yams does not look it up in the environment for every file.
      guard let root = try Yams.compose(yaml: text, .basic, .default, .utf8), !root.isNull else {
        sink.error(emptyMessage, at: start)
        return nil
      }
      return root
    } catch let error as YamlError {
      let lastLine =
        text.split(separator: "\n", omittingEmptySubsequences: false)
        .lastIndex { !$0.allSatisfy(\.isWhitespace) }.map { $0 + 1 } ?? 1
      report(error, lastLine: lastLine)
      return nil
    } catch {
      sink.error("YAML could not be read: \(error)", at: start)
      return nil
    }
  }

  private func report(_ error: YamlError, lastLine: Int) {
    switch error {
    case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
      let .composer(context, problem, mark, _):
      let contextText = context.map { " (\($0.text) at line \($0.mark.line + lineOffset))" } ?? ""
      // libyaml often notices an unclosed bracket or quote only at the end of the text; point at where
      // the unclosed construct started instead, which is where the fix goes.
      // "did not find expected ']'" is likewise about the bracket that opened the construct.
      let aboutTheOpening = problem.hasPrefix("did not find expected") || problem.contains("end of stream")
      let spot =
        context.map { (mark.line > lastLine || aboutTheOpening) && $0.mark.line <= lastLine ? $0.mark : mark } ?? mark
      sink.error("YAML syntax: \(problem)\(contextText)", at: location(line: spot.line, column: spot.column))
    case let .duplicatedKeysInMapping(duplicates, context):
      let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
      sink.error(
        "duplicate key \(keys) in the same mapping; each key may appear once",
        at: location(line: context.mark.line, column: context.mark.column))
    default:
      sink.error("YAML could not be read: \(error)", at: start)
    }
  }
}

extension Node {
  /// Whether the node is an empty value or an explicit null (`~`, `null`).
  ///
  /// Decided from the plain scalar's text rather than through `tag`: Yams resolves a tag with regular
  /// expressions, which cost more than everything else in reading a record.
  var isNull: Bool {
    guard case .scalar(let scalar) = self, scalar.style == .plain || scalar.style == .any else { return false }
    switch scalar.string {
    case "", "~", "null", "Null", "NULL": return true
    default: return false
    }
  }

  /// What the node is, for "expected a …, found …" messages.
  var kindDescription: String {
    switch self {
    case .scalar: "a single value"
    case .mapping: "a mapping (key: value pairs)"
    case .sequence: "a list"
    case .alias: "an alias"
    }
  }
}
