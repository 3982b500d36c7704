/// A name a tag looks up: `.` (the current value), one name, or a dotted path split once, when the template
/// loads. One name is its own case so that a lookup copies a string, most often a small one held inline
/// (no retain), rather than an array of them.
enum Path: Sendable, Equatable {
  case implicit
  case name(String)
  /// Two names or more.
  case names([String])
}

/// Template text with the places where a source line begins, so that an indented partial or a moved
/// block can indent (or de-indent) each of its lines as the Mustache specification requires.
struct Text: Sendable {
  var bytes: [UInt8]
  /// Offsets into `bytes` (`0...bytes.count`) where a line of the template source begins.
  var lineStarts: [Int]
}

/// The indentation a block's lines carry where it stands: removed from an override's lines and replaced
/// by the indentation of the block it overrides.
struct Block: Sendable {
  var nodes: [Node]
  /// The indentation of the block's lines (see `Parser.intrinsicIndentation`).
  var indentation: [UInt8]
  /// Whether the opening tag stood alone on its line, so that the content begins a line.
  var isStandalone: Bool
}

/// A compiled piece of a template.
indirect enum Node: Sendable {
  case text(Text)
  case variable(Path, isEscaped: Bool)
  case section(Path, [Node])
  case inverted(Path, [Node])
  /// `{{> name}}`: the template's index in the library; `indentation` is nil when the tag is inline.
  case partial(name: String, index: Int, indentation: [UInt8]?)
  /// `{{< name}}…{{/name}}` with the blocks it overrides.
  case parent(name: String, index: Int, indentation: [UInt8]?, overrides: [String: Block])
  /// `{{$ name}}default{{/name}}`.
  case block(name: String, Block)
}

/// One compiled template.
struct CompiledTemplate: Sendable {
  let name: String
  var nodes: [Node]
}

/// A problem in a template, with its place: `name.mustache:line:column`.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The template's name (its file name without `.mustache`).
  public var template: String
  /// 1-based line; 0 when the problem has no place in the text.
  public var line: Int
  /// 1-based column, in Unicode scalars.
  public var column: Int
  /// What is wrong, in words.
  public var message: String
  /// The name of the partial or parent the tag names, when no template has that name.
  public var missingTemplate: String?

  /// Creates an error.
  public init(template: String, line: Int, column: Int, message: String, missingTemplate: String? = nil) {
    self.template = template
    self.line = line
    self.column = column
    self.message = message
    self.missingTemplate = missingTemplate
  }

  public var description: String {
    line > 0 ? "\(template).mustache:\(line):\(column): error: \(message)" : "\(template).mustache: error: \(message)"
  }
}
