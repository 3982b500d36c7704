/// A YAML value as the content loaders read it: text, a mapping or a list, each with its position.
///
/// Records are plain data: every scalar is kept as its text (no tags are resolved), and anchors and
/// aliases are refused when the text is composed (`YAMLComposer`).
enum YAMLNode: Sendable {
  case scalar(Scalar)
  case mapping(Mapping)
  case sequence(Sequence)

  /// A 1-based line and column (in Unicode scalars, as libyaml counts them).
  struct Mark: Sendable, Equatable {
    var line: Int
    var column: Int
  }

  /// How a scalar was written.
  enum Style: Sendable {
    case plain, singleQuoted, doubleQuoted, literal, folded
  }

  /// A single value, as written.
  struct Scalar: Sendable {
    var string: String
    var style: Style
    var mark: Mark
  }

  /// Key-value pairs in the order written.
  struct Mapping: Sendable, RandomAccessCollection {
    var pairs: [(key: YAMLNode, value: YAMLNode)]
    var mark: Mark

    var startIndex: Int { pairs.startIndex }
    var endIndex: Int { pairs.endIndex }
    subscript(position: Int) -> (key: YAMLNode, value: YAMLNode) { pairs[position] }
  }

  /// A list.
  struct Sequence: Sendable, RandomAccessCollection {
    var items: [YAMLNode]
    var mark: Mark

    var startIndex: Int { items.startIndex }
    var endIndex: Int { items.endIndex }
    subscript(position: Int) -> YAMLNode { items[position] }
  }

  /// Where the node starts.
  var mark: Mark {
    switch self {
    case .scalar(let scalar): scalar.mark
    case .mapping(let mapping): mapping.mark
    case .sequence(let sequence): sequence.mark
    }
  }

  /// The list, when the node is one.
  var sequence: Sequence? {
    if case .sequence(let sequence) = self { sequence } else { nil }
  }

  /// Whether the node is an empty value or an explicit null (`~`, `null`), written plain.
  var isNull: Bool {
    guard case .scalar(let scalar) = self, scalar.style == .plain else { return false }
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
    }
  }
}

extension Int {
  /// A whole number written plain, as YAML 1.1 reads one: an optional sign, `_` between digits, `0x`, `0o`,
  /// `0b` or a leading `0` (octal) for other bases, and `:` for base 60 (`1:30` is 90).
  init?(yaml scalar: YAMLNode.Scalar) {
    guard scalar.style == .plain else { return nil }
    let text = scalar.string.filter { $0 != "_" }
    if text == "0" {
      self = 0
      return
    }
    let isNegative = text.hasPrefix("-")
    let digits = text.dropFirst(isNegative || text.hasPrefix("+") ? 1 : 0)
    let sign = isNegative ? "-" : ""
    for (prefix, radix) in [("0x", 16), ("0b", 2), ("0o", 8), ("0", 8)] where digits.hasPrefix(prefix) {
      guard let value = Int(sign + digits.dropFirst(prefix.count), radix: radix) else { return nil }
      self = value
      return
    }
    if digits.contains(":") {
      var value = 0
      for part in digits.split(separator: ":", omittingEmptySubsequences: false) {
        guard let number = Int(part), number >= 0 else { return nil }
        let (shifted, overflow) = value.multipliedReportingOverflow(by: 60)
        guard !overflow else { return nil }
        value = shifted + number
      }
      self = isNegative ? -value : value
      return
    }
    guard let value = Int(text) else { return nil }
    self = value
  }
}
